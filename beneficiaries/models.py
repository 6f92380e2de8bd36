"""The case file of one person and their pathway through the programme."""

import datetime
import math
import os
import unicodedata
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from beneficiaries.pathway import (
    EmploymentOutcome,
    HousingOutcome,
    NotAdmittedReason,
    State,
    WithdrawalReason,
)
from thrasos.audit.history import track_changes
from thrasos.core.fields import BoundedTextField
from thrasos.core.validators import PROGRAMME_EARLIEST, DateRange, age_on
from thrasos.permissions import Sensitivity
from thrasos.referentials.languages import LANGUAGES
from thrasos.tenancy import TenantModel, TerritoryQuerySet, tenant_manager

# Letters that Unicode does not decompose into a base letter and an accent:
# the Turkish dotless ı ("Yılmaz" is searched as "yilmaz"), ø, æ, œ, ł, đ…
_UNDECOMPOSED = str.maketrans(
    {"ı": "i", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th"}
)


def normalise_name(value: str) -> str:
    """Lower case, no accents, hyphens and apostrophes as spaces, single
    spaces: "Abdel-Rahman N’Diaye" -> "abdel rahman n diaye"."""
    decomposed = unicodedata.normalize("NFKD", (value or "").casefold().translate(_UNDECOMPOSED))
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    cleaned = "".join(c if c.isalnum() else " " for c in ascii_only)
    return " ".join(cleaned.split())


def parse_day(value: str) -> datetime.date | None:
    """A date typed as 31/12/1990, 31.12.1990, 31-12-1990 or 1990-12-31."""
    parts = value.replace(".", "/").replace("-", "/").split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        day, month, year = (parts[2], parts[1], parts[0]) if len(parts[0]) == 4 else parts
        if len(year) == 4:
            try:
                return datetime.date(int(year), int(month), int(day))
            except ValueError:
                return None
    return None


_VOWELS = frozenset("aeiouy")
# Spellings of one sound across transliterations (Arabic, Dari, Tigrinya,
# French or English conventions): "Mohammed"/"Muhamad", "Coulibaly"/"Kulibali".
_SOUNDS = (("ph", "f"), ("ck", "k"), ("q", "k"), ("c", "k"), ("w", "v"), ("z", "s"))


def name_skeleton(normalised: str) -> str:
    """The consonant skeleton of a normalised name, words joined: a leading
    vowel as "a", later vowels dropped, one letter for each run, digits
    ignored. "mohammed" and "muhamad" -> "mhmd", "d almeida" and "dalmeida"
    -> "dlmd", "abdel rahman" and "abdelrahman" -> "abdlrhmn". The fuzzy
    search looks candidates up by prefix of it (a b-tree range: fast under
    row-level security) and keeps those whose trigram similarity is high."""
    letters = "".join(c for c in normalised if c.isalpha())
    for spelling, sound in _SOUNDS:
        letters = letters.replace(spelling, sound)
    out = []
    for position, c in enumerate(letters):
        if c in _VOWELS:
            if position:
                continue
            c = "a"
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


def normalise_phone(value: str) -> str:
    """Digits only, French numbers in their national form: "+33 6 12 34 56
    78", "0033612345678" and "06.12.34.56.78" -> "0612345678"."""
    digits = "".join(c for c in value or "" if c.isdigit())
    if value.strip().startswith("+33") or digits.startswith("0033"):
        digits = "0" + digits.removeprefix("00").removeprefix("33").lstrip("0")
    return digits


# The length of a skeleton's key (search_key_lf/_fl): the shortest skeleton
# the fuzzy search uses, so that every fuzzy match of a needle shares the
# first letters of the needle's skeleton, on one side of the name or the other.
SKELETON_KEY = 3


def search_columns(last_name: str, first_name: str, phone: str = "") -> dict[str, str]:
    """The stored search columns of a person (kept by Beneficiary.save(); the
    scale seed, which bulk-inserts, calls it directly)."""
    last, first = normalise_name(last_name), normalise_name(first_name)
    skeleton_lf, skeleton_fl = name_skeleton(f"{last} {first}"), name_skeleton(f"{first} {last}")
    return {
        "search_last_first": f"{last} {first}".strip(),
        "search_first_last": f"{first} {last}".strip(),
        "search_skeleton_lf": skeleton_lf,
        "search_skeleton_fl": skeleton_fl,
        "search_key_lf": skeleton_lf[:SKELETON_KEY],
        "search_key_fl": skeleton_fl[:SKELETON_KEY],
        "search_phone": normalise_phone(phone),
    }


def needle_skeleton(needle: str) -> str:
    """The skeleton every name starting with `needle` (normalised) starts
    with. A needle ending in "p" may be cut in the middle of a "ph" (an "f"
    in the name's skeleton): its last "p" is left out."""
    letters = "".join(c for c in needle if c.isalpha())
    return name_skeleton(letters[:-1] if letters.endswith("p") else letters)


def fuzzy_key(query: str) -> str:
    """The key (search_key_lf or search_key_fl) of every person a name
    search for `query` finds by its fuzzy path: the first letters of the
    needle's skeleton, "" when the query is not searched fuzzily (a date, a
    phone number, a skeleton too short)."""
    query = (query or "").strip()
    if not query or parse_day(query) is not None or _is_phone(query):
        return ""
    skeleton = needle_skeleton(normalise_name(query))
    return skeleton[:SKELETON_KEY] if len(skeleton) >= SKELETON_KEY else ""


def needle_trigrams(needle: str) -> list[str]:
    """pg_trgm's trigrams of a normalised needle, in order, each once: every
    word padded with two spaces before and one after ("fatima" -> "  f",
    " fa", "fat", "ati", "tim", "ima", "ma ")."""
    seen: dict[str, None] = {}
    for word in needle.split():
        padded = f"  {word} "
        for start in range(len(padded) - 2):
            seen.setdefault(padded[start : start + 3])
    return list(seen)


def trigram_sieve(needle: str, threshold: float) -> list[str]:
    """Trigrams of a normalised needle one of which, at least, a name must
    hold for pg_trgm's word_similarity(needle, name) to reach `threshold`;
    [] when the needle is not plain ASCII (pg_trgm hashes the trigrams of
    other characters: no sure test by substring).

    word_similarity is count / (n + extent - count): n trigrams in the
    needle, `count` of them found in the name's closest extent, which holds
    at least those. So it is at most count / n, and reaching the threshold
    needs count >= threshold * n: at most n - ceil(threshold * n) of the
    needle's trigrams may be missing from the name, and any one more of them
    holds one the name has. The needle's last ones are taken: the fuzzy
    search's candidates share its first consonants, hence its first
    trigrams, and those would rule nobody out ("fatima" against the 1,200
    Fatoumata of the scale data)."""
    if not needle.isascii():
        return []
    trigrams = needle_trigrams(needle)
    # Rounded down, never up: more needed trigrams would rule out matches.
    needed = math.ceil(threshold * len(trigrams) - 1e-6)
    if needed <= 0:
        return []
    return trigrams[needed - 1 :]


def _is_phone(query: str) -> bool:
    digits = "".join(c for c in query if c.isdigit())
    return len(digits) >= 6 and all(c.isdigit() or c in "+ .-/()" for c in query)


@track_changes
class ReferringOrganisation(TenantModel):
    """Directory of partners who refer candidates (reception centre, SIAO, OFII,
    France Travail, another charity…)."""

    class Kind(models.TextChoices):
        RECEPTION_CENTRE = "reception_centre", _("Reception centre (CADA, HUDA, CPH…)")
        SIAO = "siao", _("SIAO")
        OFII = "ofii", _("OFII")
        FRANCE_TRAVAIL = "france_travail", _("France Travail")
        CHARITY = "charity", _("Charity")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    city = models.CharField(_("city"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("referring organisation")
        verbose_name_plural = _("referring organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="beneficiaries_referrer_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class BeneficiaryQuerySet(TerritoryQuerySet):
    territory_field = "current_territory"

    # Trigram word similarity a fuzzy candidate needs (pg_trgm's
    # word_similarity: the needle against the closest words of the name).
    FUZZY_THRESHOLD = 0.5
    # Shorter skeletons match too many people to be worth a fuzzy look.
    FUZZY_MIN_SKELETON = SKELETON_KEY

    def search(self, query: str, *, part: str = "", in_name_order: bool = False):
        """Find people by what a caseworker types: a birth date (31/12/1990
        or 1990-12-31), a phone number (6 digits or more, any format), or a
        name — accent- and case-insensitive, first name first or last name
        first, by prefix, and tolerant of typos and transliterations
        ("mohamed" finds Mohammed, "dalmeida" D'Almeida).

        Every condition that selects rows is a plain range or equality on a
        stored normalised column: those use the (organisation, column)
        indexes under row-level security, where LIKE, unaccent() or pg_trgm's
        operators would not — PostgreSQL does not let a function that is not
        LEAKPROOF run before the tenant policy (../shared/TENANCY.md). So the
        fuzzy path takes its candidates by prefix of the name's consonant
        skeleton (name_skeleton), and pg_trgm's trigram word similarity, a
        filter on those few rows, decides which ones really look alike.

        `part` ("lf" or "fl") keeps one of the two disjoint parts of a fuzzy
        search: the people with the needle's key last name first, or the
        others, with it first name first (the list reads each in name order
        from its own index: selectors.fuzzy_parts). `in_name_order`: the
        part is read in name order, from its key index only (see below)."""
        query = (query or "").strip()
        if not query:
            return self
        if (day := parse_day(query)) is not None:
            return self.filter(birth_date=day)
        if _is_phone(query):
            phone = normalise_phone(query)
            return self.filter(search_phone__gte=phone, search_phone__lt=phone + "\U0010ffff")
        needle = normalise_name(query)
        if not needle:
            return self.none()
        upper = needle + "\U0010ffff"  # above every UTF-8 sequence in the C collation
        prefix = models.Q(search_last_first__gte=needle, search_last_first__lt=upper) | models.Q(
            search_first_last__gte=needle, search_first_last__lt=upper
        )
        skeleton = needle_skeleton(needle)
        if len(skeleton) < self.FUZZY_MIN_SKELETON:
            return self.filter(prefix)
        # Every match is a candidate of the skeleton (its skeleton, last
        # name first or first name first, starts with the needle's: a name
        # starting with the needle too), selected by a range on the skeleton
        # indexes; the rest is checked on those rows only (an OR of
        # functions: a filter on the rows the ranges select). Sure matches
        # first: the name's prefix, or its prefix without spaces ("dalmeida"
        # is D'Almeida); the trigram word similarity (about 1.5 µs a name)
        # only for the others that pass the trigram sieve (trigram_sieve):
        # PostgreSQL evaluates an OR, or an AND, from left to right and stops
        # as soon as the outcome is known. "fatima" counted its 953 matches
        # among 2,176 candidates in 7.2 ms of execution without the sieve,
        # about 3 ms with it (on a machine 2.5 times slower than usual).
        top = skeleton + "\U0010ffff"
        by_lf = models.Q(search_skeleton_lf__gte=skeleton, search_skeleton_lf__lt=top)
        by_fl = models.Q(search_skeleton_fl__gte=skeleton, search_skeleton_fl__lt=top)
        # The two disjoint parts (`part`) carry the key as well, so that
        # PostgreSQL may walk a part in name order from its key index, or
        # collect it from its skeleton index (both hold what is read here).
        # Read in name order, a part states its skeleton with strpos() = 1,
        # which no index is tried for (starts_with() on a C-collated column
        # is turned into an index range): the planner expects a dozen matches
        # where "dalmeida" has 1,800, and offered the skeleton index it chose
        # collecting and sorting them all (4 ms) over walking the key index
        # in name order up to the 51st (0.5 ms).
        key = skeleton[: self.FUZZY_MIN_SKELETON]
        if in_name_order:
            by_lf = models.Q(_starts_at_first("search_skeleton_lf", skeleton))
            by_fl = models.Q(_starts_at_first("search_skeleton_fl", skeleton))
        keys = {
            "": by_lf | by_fl,
            "lf": models.Q(search_key_lf=key) & by_lf,
            "fl": models.Q(search_key_fl=key) & by_fl & ~by_lf,
        }[part]
        return self.filter(
            keys,
            models.Q(_starts_with("search_last_first", needle))
            | models.Q(_starts_with("search_first_last", needle))
            | _starts_with_compact("search_last_first", needle)
            | _starts_with_compact("search_first_last", needle)
            | (
                # The candidates are the skeleton's (`keys`): what is left is
                # whether they look alike, first by the sieve (most of the
                # candidates that do not are ruled out there).
                _holds_a_trigram("search_last_first", trigram_sieve(needle, self.FUZZY_THRESHOLD))
                & models.Q(
                    models.lookups.GreaterThanOrEqual(
                        TrigramWordSimilarity(models.Value(needle), "search_last_first"),
                        self.FUZZY_THRESHOLD,
                    )
                )
            ),
        )


def _starts_with(column, prefix: str) -> models.Func:
    return models.Func(
        models.F(column) if isinstance(column, str) else column,
        models.Value(prefix),
        function="starts_with",
        output_field=models.BooleanField(),
    )


def _starts_at_first(column: str, prefix: str) -> models.lookups.Exact:
    """starts_with() that the planner does not turn into an index range."""
    return models.lookups.Exact(
        models.Func(
            models.F(column),
            models.Value(prefix),
            function="strpos",
            output_field=models.IntegerField(),
        ),
        1,
    )


def _starts_with_compact(column: str, needle: str) -> models.Q:
    """The name without its spaces starts with the needle without its spaces
    ("dalmeida" is D'Almeida). replace() copies the name, so it is only run
    when a space comes soon enough in the name to change its first letters;
    otherwise the test is whether the name itself starts with the compact
    needle, which for a needle without spaces is the plain prefix test
    search() makes anyway."""
    compact = needle.replace(" ", "")
    first_space = models.Func(
        models.F(column), models.Value(" "), function="strpos", output_field=models.IntegerField()
    )
    spaced = models.Q(models.lookups.LessThanOrEqual(first_space, len(compact))) & models.Q(
        _starts_with(_without_spaces(column), compact)
    )
    if compact == needle:
        return spaced
    return models.Q(_starts_with(column, compact)) | spaced


def sieve_patterns(trigrams: list[str]) -> list[str]:
    """LIKE patterns of the trigrams, for the name between single spaces
    (" diallo fatoumata "): "  f" (a word starting with f) is " f", "ma "
    (a word ending in ma) is "ma "."""
    return [f"%{t.replace('  ', ' ')}%" for t in trigrams]


def _holds_a_trigram(column: str, trigrams: list[str]) -> models.Q:
    """The name (words joined by single spaces) holds one of the trigrams as
    pg_trgm pads its words (trigram_sieve): the name between spaces LIKE ANY
    of them as substrings ("  f" is " f", "ma " is "ma "). One test in the
    statement however many trigrams (strpos() for each made the statement
    longer to parse and plan than it saved), about 0.3 µs a name where
    word_similarity() takes 1.5-2 µs. A name with other characters than
    ASCII ones is let through: pg_trgm may cut its words elsewhere than at
    its spaces, and word_similarity() decides. Everything when there is no
    sieve."""
    if not trigrams:
        return models.Q()
    holds = models.Func(
        models.F(column),
        models.Value(
            sieve_patterns(trigrams),
            output_field=ArrayField(models.TextField()),
        ),
        template="((' ' || %(expressions)s))",
        arg_joiner=" || ' ') LIKE ANY (",
        output_field=models.BooleanField(),
    )
    ascii_only = models.lookups.Exact(
        models.Func(models.F(column), function="octet_length", output_field=models.IntegerField()),
        models.Func(models.F(column), function="length", output_field=models.IntegerField()),
    )
    return models.Q(holds) | ~models.Q(ascii_only)


def _without_spaces(column: str) -> models.Func:
    return models.Func(
        models.F(column),
        models.Value(" "),
        models.Value(""),
        function="replace",
        output_field=models.CharField(db_collation="C"),
    )


# What the skeleton key indexes include besides their keys: the columns the
# search reads, the territory (a caseworker's scope) and the stage (filter).
SEARCH_INCLUDE = (
    "search_first_last",
    "search_skeleton_lf",
    "search_skeleton_fl",
    "current_territory",
    "state",
)
SKELETON_INCLUDE = (
    "search_last_first",
    "search_first_last",
    "search_key_lf",
    "search_key_fl",
    "current_territory",
    "state",
    # The other column orders: a fuzzy search sorted by date of birth or by
    # "since" takes each part's first rows (ids) from its skeleton index alone.
    "birth_date",
    "state_changed_at",
    "id",
)


@track_changes
class Beneficiary(TenantModel):
    """A beneficiary of international protection followed by the programme.
    Every personal field says why it is kept (help text) and how sensitive it
    is (FIELD_SENSITIVITY, used by thrasos.permissions)."""

    class Sex(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")
        OTHER = "X", _("Other / not stated")

    class ProtectionStatus(models.TextChoices):
        REFUGEE = "refugee", _("Refugee")
        SUBSIDIARY = "subsidiary", _("Subsidiary protection")
        STATELESS = "stateless", _("Stateless")

    class ResidenceDocument(models.TextChoices):
        RESIDENT_CARD = "resident_card", _("Resident card (10 years)")
        MULTI_YEAR = "multi_year", _("Multi-year residence permit")
        RECEIPT = "receipt", _("Receipt (récépissé)")
        OTHER = "other", _("Other")

    class SocialSecurity(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        IN_PROGRESS = "in_progress", _("Registration in progress")
        NONE = "none", _("Not registered")

    # --- identity
    last_name = models.CharField(
        _("last name"), max_length=150, help_text=_("As written on official documents.")
    )
    first_name = models.CharField(
        _("first names"), max_length=150, help_text=_("As written on official documents.")
    )
    usual_name = models.CharField(
        _("usual name"),
        max_length=150,
        blank=True,
        help_text=_("How the person wants to be called."),
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(
        _("date of birth"), help_text=_("Adults only; duplicate detection.")
    )
    birth_country = CountryField(_("country of birth"), blank=True)
    nationality = CountryField(_("nationality"), blank=True)
    languages = ArrayField(
        models.CharField(max_length=3, choices=LANGUAGES),
        verbose_name=_("languages spoken"),
        default=list,
        blank=True,
    )
    preferred_language = models.CharField(
        _("preferred language for messages"), max_length=3, choices=LANGUAGES, default="fr"
    )
    # --- protection
    protection_status = models.CharField(
        _("protection status"), max_length=20, choices=ProtectionStatus.choices
    )
    # OFPRA, which grants the protection, was created on 25 July 1952.
    protection_decision_date = models.DateField(
        _("decision date"),
        null=True,
        blank=True,
        validators=[DateRange(earliest=datetime.date(1952, 7, 25))],
    )
    protection_reference = models.CharField(_("OFPRA/CNDA reference"), max_length=50, blank=True)
    residence_document_type = models.CharField(
        _("residence document"), max_length=20, choices=ResidenceDocument.choices, blank=True
    )
    residence_document_number = models.CharField(
        _("residence document number"), max_length=50, blank=True
    )
    # A resident card, the longest, is valid ten years.
    residence_document_expiry = models.DateField(
        _("residence document expiry"),
        null=True,
        blank=True,
        help_text=_("Reminders before it expires."),
        validators=[DateRange(earliest=PROGRAMME_EARLIEST, years_ahead=10)],
    )
    # --- contact and administrative situation
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("postal address"), max_length=255, blank=True)
    france_travail_id = models.CharField(_("France Travail id"), max_length=20, blank=True)
    social_security = models.CharField(
        _("social security"), max_length=20, choices=SocialSecurity.choices, blank=True
    )
    has_bank_account = models.BooleanField(_("bank account"), null=True, blank=True)
    # --- referral
    referring_organisation = models.ForeignKey(
        ReferringOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("referring organisation"),
        related_name="+",
    )
    referrer_contact = models.CharField(_("referrer contact"), max_length=200, blank=True)
    referral_date = models.DateField(
        _("referral date"),
        default=timezone.localdate,
        validators=[DateRange(earliest=PROGRAMME_EARLIEST)],
    )
    referral_reason = BoundedTextField(_("referral reason"), max_length=2_000, blank=True)
    # --- follow-up
    current_territory = models.ForeignKey(
        "accounts.Territory",
        on_delete=models.PROTECT,
        verbose_name=_("territory"),
        related_name="+",
    )
    referents = models.ManyToManyField(
        "accounts.Membership",
        through="BeneficiaryReferent",
        related_name="+",
        verbose_name=_("referent caseworkers"),
        blank=True,
    )
    state = models.CharField(
        _("pathway"), max_length=20, choices=State.choices, default=State.REFERRED
    )
    state_changed_at = models.DateTimeField(_("since"), default=timezone.now)
    not_admitted_reason = models.CharField(
        _("reason not admitted"), max_length=20, choices=NotAdmittedReason.choices, blank=True
    )
    withdrawal_reason = models.CharField(
        _("reason for withdrawal"), max_length=20, choices=WithdrawalReason.choices, blank=True
    )
    exit_employment = models.CharField(
        _("employment at exit"), max_length=30, choices=EmploymentOutcome.choices, blank=True
    )
    exit_housing = models.CharField(
        _("housing at exit"), max_length=30, choices=HousingOutcome.choices, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Normalised names, maintained on save, for search and duplicate detection.
    search_last_first = models.CharField(max_length=310, editable=False, db_collation="C")
    search_first_last = models.CharField(max_length=310, editable=False, db_collation="C")
    search_skeleton_lf = models.CharField(
        max_length=310, editable=False, db_collation="C", default=""
    )
    search_skeleton_fl = models.CharField(
        max_length=310, editable=False, db_collation="C", default=""
    )
    # The first letters of each skeleton (SKELETON_KEY): every fuzzy match of
    # a needle has the needle's on one side, and the (organisation, key,
    # name) indexes give those people in name order.
    search_key_lf = models.CharField(max_length=3, editable=False, db_collation="C", default="")
    search_key_fl = models.CharField(max_length=3, editable=False, db_collation="C", default="")
    search_phone = models.CharField(max_length=30, editable=False, db_collation="C", default="")

    objects = tenant_manager(BeneficiaryQuerySet)

    FIELD_SENSITIVITY = {
        "last_name": Sensitivity.CONTACT,
        "first_name": Sensitivity.CONTACT,
        "usual_name": Sensitivity.CONTACT,
        "phone": Sensitivity.CONTACT,
        "email": Sensitivity.CONTACT,
        "preferred_language": Sensitivity.CONTACT,
        "languages": Sensitivity.CONTACT,
        "sex": Sensitivity.IDENTITY,
        "birth_date": Sensitivity.IDENTITY,
        "birth_country": Sensitivity.IDENTITY,
        "nationality": Sensitivity.IDENTITY,
        "protection_status": Sensitivity.PROTECTION,
        "protection_decision_date": Sensitivity.PROTECTION,
        "protection_reference": Sensitivity.PROTECTION,
        "residence_document_type": Sensitivity.PROTECTION,
        "residence_document_number": Sensitivity.PROTECTION,
        "residence_document_expiry": Sensitivity.PROTECTION,
        "address": Sensitivity.ADMINISTRATIVE,
        "france_travail_id": Sensitivity.ADMINISTRATIVE,
        "social_security": Sensitivity.HEALTH,
        "has_bank_account": Sensitivity.ADMINISTRATIVE,
        "referring_organisation": Sensitivity.PATHWAY,
        "referrer_contact": Sensitivity.PATHWAY,
        "referral_date": Sensitivity.PATHWAY,
        "referral_reason": Sensitivity.PATHWAY,
        "current_territory": Sensitivity.PATHWAY,
        "state": Sensitivity.PATHWAY,
        "state_changed_at": Sensitivity.PATHWAY,
        "not_admitted_reason": Sensitivity.PATHWAY,
        "withdrawal_reason": Sensitivity.PATHWAY,
        "exit_employment": Sensitivity.PATHWAY,
        "exit_housing": Sensitivity.PATHWAY,
    }

    class Meta:
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        indexes = [
            models.Index(
                fields=["organisation", "search_last_first", "id"], name="benef_search_lf"
            ),
            models.Index(
                fields=["organisation", "search_first_last", "id"], name="benef_search_fl"
            ),
            models.Index(
                fields=["organisation", "state", "search_last_first", "id"], name="benef_state"
            ),
            models.Index(
                fields=["organisation", "current_territory", "search_last_first", "id"],
                name="benef_territory",
            ),
            models.Index(fields=["organisation", "birth_date", "id"], name="benef_birth_date_id"),
            models.Index(
                fields=["organisation", "state_changed_at", "id"], name="benef_state_changed"
            ),
            models.Index(
                fields=["organisation", "search_skeleton_lf"],
                include=[*SKELETON_INCLUDE, "search_skeleton_fl"],
                name="benef_skeleton_lf",
            ),
            models.Index(
                fields=["organisation", "search_skeleton_fl"],
                include=[*SKELETON_INCLUDE, "search_skeleton_lf"],
                name="benef_skeleton_fl",
            ),
            models.Index(fields=["organisation", "search_phone"], name="benef_phone"),
            # The fuzzy search reads them in name order (selectors.page_ordering);
            # what they include answers the search and the list's usual
            # filters without reading the table (index-only scans).
            models.Index(
                fields=["organisation", "search_key_lf", "search_last_first", "id"],
                include=[*SEARCH_INCLUDE, "search_key_fl"],
                name="benef_key_lf",
            ),
            models.Index(
                fields=["organisation", "search_key_fl", "search_last_first", "id"],
                include=[*SEARCH_INCLUDE, "search_key_lf"],
                name="benef_key_fl",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    # The programme takes adults (SPEC §1); an older age is a typing mistake.
    MIN_AGE, MAX_AGE = 18, 100

    def clean(self) -> None:
        super().clean()
        errors = {}
        today = timezone.localdate()
        if self.birth_date and self.birth_date > today:
            errors["birth_date"] = _("A date of birth cannot be in the future.")
        elif self.birth_date:
            # The age on the referral date: a record stays valid as years pass.
            referred_on = min(self.referral_date or today, today)
            age = age_on(self.birth_date, referred_on)
            if age < self.MIN_AGE:
                errors["birth_date"] = _(
                    "The programme is for adults: the person must be at least %(age)s years "
                    "old on the referral date."
                ) % {"age": self.MIN_AGE}
            elif age > self.MAX_AGE:
                errors["birth_date"] = _(
                    "This date of birth gives an age over %(age)s years on the referral date: "
                    "check it."
                ) % {"age": self.MAX_AGE}
        if (
            self.birth_date
            and self.protection_decision_date
            and self.protection_decision_date < self.birth_date
        ):
            errors["protection_decision_date"] = _(
                "The decision cannot be before the date of birth."
            )
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        columns = search_columns(self.last_name, self.first_name, self.phone)
        for name, value in columns.items():
            setattr(self, name, value)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *columns}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("beneficiaries:detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}"

    @property
    def age(self) -> int | None:
        if not self.birth_date:
            return None
        today = timezone.localdate()
        return (
            today.year
            - self.birth_date.year
            - ((today.month, today.day) < (self.birth_date.month, self.birth_date.day))
        )


@track_changes
class BeneficiaryReferent(TenantModel):
    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE)
    membership = models.ForeignKey("accounts.Membership", on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary", "membership"], name="benef_referent_unique"
            )
        ]


class PathwayTransition(TenantModel):
    """One dated, attributed move along the pathway (kept forever)."""

    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField(_("from"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=State.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    comment = BoundedTextField(_("comment"), max_length=2_000, blank=True)
    reason = models.CharField(_("reason"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("pathway transition")
        verbose_name_plural = _("pathway transitions")
        ordering = ["at", "id"]
        indexes = [
            # A person's pathway in order (id breaks ties), the stage carried:
            # "the last stage before a day" and the reports' stays at each
            # stage read the index alone (thrasos/reports, README Benchmark).
            models.Index(
                fields=["organisation", "beneficiary", "at", "id"],
                include=["to_state"],
                name="benef_transition_path",
            )
        ]

    @property
    def reason_label(self) -> str:
        """The reason in words: a non-admission's or a withdrawal's, or the
        confirmation given despite prerequisites not met."""
        from beneficiaries import pathway

        if self.reason == pathway.PREREQUISITES_CONFIRMED:
            return str(_("confirmed despite prerequisites not met"))
        labels = {
            **dict(pathway.NotAdmittedReason.choices),
            **dict(pathway.WithdrawalReason.choices),
        }
        return str(labels.get(self.reason, self.reason))


class TerritoryMove(TenantModel):
    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="moves")
    from_territory = models.ForeignKey(
        "accounts.Territory", on_delete=models.PROTECT, related_name="+", null=True
    )
    to_territory = models.ForeignKey(
        "accounts.Territory", on_delete=models.PROTECT, related_name="+"
    )
    moved_on = models.DateField(_("date"), default=timezone.localdate)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["moved_on", "id"]


@track_changes
class CaseNote(TenantModel):
    class Confidentiality(models.TextChoices):
        TEAM = "team", _("Team (caseworkers of the territory)")
        RESTRICTED = "restricted", _("Restricted (author and coordinators)")

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("written"), default=timezone.now)
    body = BoundedTextField(_("note"), max_length=10_000)
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=20,
        choices=Confidentiality.choices,
        default=Confidentiality.TEAM,
    )

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["-at", "-id"]


@track_changes
class PrerequisiteItem(TenantModel):
    """An entry prerequisite of the programme, configured per organisation
    (defaults seeded when the organisation is created, SPEC §5.1)."""

    label = models.CharField(_("prerequisite"), max_length=200)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("prerequisite")
        verbose_name_plural = _("prerequisites")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


DEFAULT_PREREQUISITES = [
    _("Protection granted and residence document valid"),
    _("Adult living alone"),
    _("Living in Île-de-France"),
    _("Minimum French level"),
    _("Willing to move outside Île-de-France"),
    _("Registered with France Travail"),
    _("Bank account"),
    _("Health cover"),
]


@track_changes
class PrerequisiteCheck(TenantModel):
    class Status(models.TextChoices):
        TO_CHECK = "to_check", _("To check")
        MET = "met", _("Met")
        NOT_MET = "not_met", _("Not met")

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="checks")
    item = models.ForeignKey(PrerequisiteItem, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.TO_CHECK
    )
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    evidence = models.CharField(_("evidence"), max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["beneficiary", "item"], name="benef_check_unique")
        ]


class Cefr(models.TextChoices):
    A11 = "A1.1", "A1.1"
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"


@track_changes
class LanguageAssessment(TenantModel):
    """French level per skill (CEFR), assessed by the partner training body."""

    class Kind(models.TextChoices):
        BEFORE_SESSION = "before_session", _("Before the session")
        END_OF_SESSION = "end_of_session", _("End of session")
        DURING_TRAINING = "during_training", _("During training")

    SKILLS = (
        "oral_comprehension",
        "oral_expression",
        "written_comprehension",
        "written_expression",
    )

    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.CASCADE, related_name="assessments"
    )
    assessed_on = models.DateField(
        _("date"), validators=[DateRange(earliest=PROGRAMME_EARLIEST, years_ahead=None)]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    assessor = models.CharField(_("assessor organisation"), max_length=200)
    oral_comprehension = models.CharField(
        _("oral comprehension"), max_length=4, choices=Cefr.choices, blank=True
    )
    oral_expression = models.CharField(
        _("oral expression"), max_length=4, choices=Cefr.choices, blank=True
    )
    written_comprehension = models.CharField(
        _("written comprehension"), max_length=4, choices=Cefr.choices, blank=True
    )
    written_expression = models.CharField(
        _("written expression"), max_length=4, choices=Cefr.choices, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("language assessment")
        verbose_name_plural = _("language assessments")
        ordering = ["assessed_on", "id"]

    def clean(self) -> None:
        super().clean()
        if not any(getattr(self, skill) for skill in self.SKILLS):
            raise ValidationError(_("Give the level of at least one skill."))
        if self.assessed_on and self.assessed_on > timezone.localdate():
            raise ValidationError({"assessed_on": _("An assessment cannot be in the future.")})


class PrivateStorage(FileSystemStorage):
    """Case-file documents: on disk under MEDIA_ROOT/documents, never behind a
    public URL. They are served only by beneficiaries.views.document_download,
    which checks access and writes the access log."""

    # Read from the settings at each use (tests point MEDIA_ROOT elsewhere).
    @property
    def base_location(self):
        return str(Path(settings.MEDIA_ROOT) / "documents")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise NotImplementedError("Case-file documents have no public URL.")


def document_path(document, filename: str) -> str:
    # No personal data in the path: organisation, person, random name.
    return f"{document.organisation_id}/{document.beneficiary_id}/{uuid.uuid4().hex}"


@track_changes
class Document(TenantModel):
    class Kind(models.TextChoices):
        IDENTITY = "identity", _("Identity document")
        RESIDENCE = "residence", _("Residence document")
        CV = "cv", _("CV")
        DIPLOMA = "diploma", _("Diploma")
        CONTRACT = "contract", _("Contract")
        HOUSING_INVENTORY = "housing_inventory", _("Housing inventory")
        OTHER = "other", _("Other")

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    file = models.FileField(storage=PrivateStorage, upload_to=document_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    # Identity cards are valid up to fifteen years; an expired foreign passport
    # may be decades old.
    expires_on = models.DateField(
        _("expiry date"),
        null=True,
        blank=True,
        validators=[DateRange(earliest=datetime.date(1950, 1, 1), years_ahead=15)],
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replaced by"),
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["kind", "-uploaded_at"]

    # The extensions of each accepted type (beneficiaries.services.DOCUMENT_TYPES),
    # the usual one first.
    EXTENSIONS = {
        "application/pdf": ("pdf",),
        "image/jpeg": ("jpg", "jpeg"),
        "image/png": ("png",),
        "image/webp": ("webp",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
        "application/vnd.oasis.opendocument.text": ("odt",),
    }

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.original_name}"

    @property
    def download_name(self) -> str:
        """The uploader's file name with the extension of the type detected
        from the bytes: a PDF uploaded as “x.html” is downloaded as “x.pdf”,
        so that no program opens it as something else."""
        extensions = self.EXTENSIONS.get(self.content_type)
        if not extensions:
            return self.original_name
        stem, dot, extension = self.original_name.rpartition(".")
        if not dot:
            stem, extension = extension, ""
        if extension.lower() in extensions and stem.strip():
            return self.original_name
        return f"{stem.strip() or 'document'}.{extensions[0]}"
