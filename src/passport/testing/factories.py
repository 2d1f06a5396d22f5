"""factory-boy factories shared by every app's tests (a dev dependency; never imported at run time)."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory
from faker.providers import BaseProvider

from passport.children.models import Child, Enrolment, ParentalResponsibility
from passport.core.identifiers import make_upn
from passport.organisations.models import LocalAuthority, Setting
from passport.passports.models import LayerAssignment, Passport
from passport.people.models import Membership, Role, User

TEST_PASSWORD = "correct-horse-battery-staple"


class PlainNames(BaseProvider):
    """Random en_GB names without apostrophes.

    Pages escape an apostrophe (O'Neill becomes O&#39;Neill), so an assertion that a name is on a
    page failed whenever Faker chose such a name, and one that a name is absent passed without
    checking anything. Names with apostrophes have tests of their own that expect the escaping.
    """

    def plain_first_name(self) -> str:
        return self.generator.first_name().replace("'", "")

    def plain_last_name(self) -> str:
        return self.generator.last_name().replace("'", "")

    def plain_name(self) -> str:
        return self.generator.name().replace("'", "")


factory.Faker.add_provider(PlainNames, locale="en_GB")


def local_authority(code: str = "801") -> LocalAuthority:
    """Return an LA loaded by the migration (all English LAs exist in every test database)."""
    return LocalAuthority.objects.get(code=code)


class SettingFactory(DjangoModelFactory[Setting]):
    class Meta:
        model = Setting

    name = factory.Sequence(lambda n: f"Test Primary School {n}")
    kind = Setting.Kind.PRIMARY
    urn = factory.Sequence(lambda n: f"{100000 + n}")
    estab = factory.Sequence(lambda n: f"{2000 + n % 8000}")
    local_authority = factory.LazyFunction(local_authority)
    phase = "Primary"
    gias_type_code = 1
    statutory_low_age = 4
    statutory_high_age = 11


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}@example.org")
    email = factory.SelfAttribute("username")
    full_name = factory.Faker("plain_name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.SENCO
    setting = factory.SubFactory(SettingFactory)
    starts_on = dt.date(2020, 9, 1)


def staff(role: Role, setting: Setting, **kwargs) -> User:
    """Return a new user who holds a live staff role at the setting."""
    return MembershipFactory.create(role=role, setting=setting, **kwargs).user


def parent_of(child: Child, **kwargs) -> User:
    """Return a new parent account with live parental responsibility for the child."""
    user = MembershipFactory.create(role=Role.PARENT_CARER, setting=None).user
    ParentalResponsibility.objects.create(
        child=child,
        person=user,
        relationship=kwargs.get("relationship", "Mother"),
        starts_on=child.date_of_birth,
    )
    return user


class ChildFactory(DjangoModelFactory[Child]):
    class Meta:
        model = Child

    given_name = factory.Faker("plain_first_name", locale="en_GB")
    family_name = factory.Faker("plain_last_name", locale="en_GB")
    date_of_birth = dt.date(2017, 3, 14)
    upn = factory.Sequence(lambda n: make_upn("801", "2000", n % 1000, year=n // 1000))


class EnrolmentFactory(DjangoModelFactory[Enrolment]):
    class Meta:
        model = Enrolment

    child = factory.SubFactory(ChildFactory)
    setting = factory.SubFactory(SettingFactory)
    starts_on = dt.date(2021, 9, 1)


def child_on_roll(setting: Setting, **kwargs) -> Child:
    """Return a new child on roll at the setting from September 2021, with an empty passport."""
    child = ChildFactory.create(**kwargs)
    EnrolmentFactory.create(child=child, setting=setting)
    Passport.objects.create(child=child)
    return child


def put_at_layer(
    passport: Passport, layer: str, by: User, starts_on: dt.date = dt.date(2024, 9, 1)
) -> LayerAssignment:
    return LayerAssignment.objects.create(
        passport=passport, layer=layer, starts_on=starts_on, reason="Test", recorded_by=by
    )
