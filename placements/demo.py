"""Demo data of the placements module (seed_demo), through the services."""


def demo_step(context) -> None:
    return None
