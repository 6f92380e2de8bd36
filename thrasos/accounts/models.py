from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thrasos.audit.history import track_changes
from thrasos.referentials import geo
from thrasos.tenancy import TenantModel, tenant_manager


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email: str):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in. The e-mail address is the login id.

    is_staff / is_superuser are for platform operators only (Django admin);
    what a user may do inside an organisation comes from their memberships.
    """

    email = models.EmailField(_("e-mail address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("platform operator"),
        default=False,
        help_text=_("Can log into the platform administration."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name


class Organisation(models.Model):
    """A tenant: an operator of the programme. Created by platform operators
    (Django admin or `manage.py create_organisation`). Not tenant-scoped itself:
    users reach organisations only through their memberships."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    COORDINATOR = "coordinator", _("Coordinator")
    CASEWORKER = "caseworker", _("Caseworker")
    VOLUNTEER = "volunteer", _("Volunteer")
    MANAGER = "manager", _("Manager")


@track_changes
class Territory(TenantModel):
    """A local association or antenna of the organisation (e.g. "H&H Gironde")."""

    name = models.CharField(_("name"), max_length=150)
    region = models.CharField(_("region"), max_length=2, choices=geo.REGION_CHOICES)
    departement = models.CharField(_("département"), max_length=3, choices=geo.DEPARTEMENT_CHOICES)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="accounts_territory_unique_name"
            ),
            models.UniqueConstraint(
                fields=["organisation", "id"], name="accounts_territory_org_id"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.departement and self.region and geo.region_of(self.departement) != self.region:
            raise ValidationError(
                {"departement": _("This département is not in the chosen region.")}
            )


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, organisation__is_active=True)

    def for_user(self, user):
        return self.filter(user=user)


@track_changes
class Membership(TenantModel):
    """A user's role in one organisation, and the territories it covers."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    territories = models.ManyToManyField(
        Territory, through="MembershipTerritory", related_name="memberships", blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    deactivated_at = models.DateTimeField(_("deactivated"), null=True, blank=True)

    objects = tenant_manager(MembershipQuerySet)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="accounts_membership_unique_user"
            ),
            models.UniqueConstraint(
                fields=["organisation", "id"], name="accounts_membership_org_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.organisation_id})"


@track_changes
class MembershipTerritory(TenantModel):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE)
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("membership territory")
        verbose_name_plural = _("membership territories")
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "territory"], name="accounts_membershipterritory_unique"
            ),
        ]


@track_changes
class Invitation(TenantModel):
    """A single-use link, sent by e-mail, that creates a membership. Only the
    SHA-256 of the token is stored."""

    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    territories = models.ManyToManyField(
        Territory, through="InvitationTerritory", related_name="+", blank=True
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "id"], name="accounts_invitation_org_id"
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


@track_changes
class InvitationTerritory(TenantModel):
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE)
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "territory"], name="accounts_invitationterritory_unique"
            ),
        ]
