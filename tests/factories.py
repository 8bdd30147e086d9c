"""factory_boy factories: the one place tests build their data."""

import factory
from django.utils import timezone

from assessment.models import (
    COUNCIL_TYPE_VALUES,
    Answer,
    Assessment,
    BankVersion,
    EvidenceItem,
    LevelDescriptor,
    Membership,
    Organisation,
    Question,
    QuestionBank,
    Recommendation,
    Source,
    Theme,
    User,
)

PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@council.example")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy's signature
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Council {n}")
    council_type = Organisation.CouncilType.COUNTY
    nation = Organisation.Nation.ENGLAND
    region = "South West"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.OFFICER


class QuestionBankFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionBank

    key = factory.Sequence(lambda n: f"test-bank-{n}")
    title = factory.Sequence(lambda n: f"Test bank {n}")


class BankVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BankVersion

    bank = factory.SubFactory(QuestionBankFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = BankVersion.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    version = factory.SubFactory(BankVersionFactory)
    key = factory.Sequence(lambda n: f"theme-{n}")
    title = factory.Sequence(lambda n: f"Theme {n}")
    short_title = factory.LazyAttribute(lambda theme: theme.title[:20])
    description = "What this theme covers."
    weight = 1
    default_target = 3
    position = factory.Sequence(lambda n: n)


class QuestionFactory(factory.django.DjangoModelFactory):
    """A question with its five descriptors, five recommendations and a source."""

    class Meta:
        model = Question
        skip_postgeneration_save = True

    theme = factory.SubFactory(ThemeFactory)
    version = factory.SelfAttribute("theme.version")
    key = factory.Sequence(lambda n: f"question-{n}")
    text = factory.Sequence(lambda n: f"How mature is practice {n}?")
    guidance = "Why it matters, and what evidence looks like."
    weight = 1
    applies_to = factory.LazyFunction(lambda: list(COUNCIL_TYPE_VALUES))
    allows_not_applicable = False
    pillars = factory.LazyFunction(lambda: ["reform"])
    position = factory.Sequence(lambda n: n)

    @factory.post_generation
    def rubric(obj, create, extracted, **kwargs):  # noqa: N805
        if not create:
            return
        LevelDescriptor.objects.bulk_create(
            LevelDescriptor(question=obj, level=level, descriptor=f"What a visitor sees at level {level} of {obj.key}")
            for level in range(1, 6)
        )
        Recommendation.objects.bulk_create(
            Recommendation(
                question=obj,
                level=level,
                text=f"Step from level {level} of {obj.key}",
                effort=Recommendation.Effort.QUICK_WIN if level < 3 else Recommendation.Effort.MEDIUM,
            )
            for level in range(1, 6)
        )
        Source.objects.create(question=obj, title="A publication", publisher="Publisher", year=2021, quote="A quote.")


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    organisation = factory.SubFactory(OrganisationFactory)
    bank_version = factory.SubFactory(BankVersionFactory)
    period = "2026/27"


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    assessment = factory.SubFactory(AssessmentFactory)
    question = factory.SubFactory(QuestionFactory)
    level = 3
    evidence = ""
    answered_at = factory.LazyFunction(timezone.now)


class EvidenceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvidenceItem

    answer = factory.SubFactory(AnswerFactory)
    description = "Board minutes, May 2026"
    owner = "Head of digital"
    dated = factory.LazyFunction(lambda: timezone.localdate())
