from dataclasses import dataclass, field
from functools import cached_property
from typing import cast

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fixed, Layout, Size
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone

from assessment.models import (
    EMAIL_MAX_LENGTH,
    EVIDENCE_MAX_LENGTH,
    NOT_APPLICABLE,
    Answer,
    BankVersion,
    EvidenceItem,
    MaturityLevel,
    Membership,
    Organisation,
    Question,
    level_decode,
    level_encode,
)
from assessment.services.assessments import AnswerChange
from assessment.services.scoring import UNVERIFIED_FROM_LEVEL


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        # No address is longer; a longer one would also break django-axes' record of the attempt on PostgreSQL.
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter a valid email address",
            "max_length": "Enter a valid email address",
        },
    )
    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account has been deactivated. Contact your council's administrator.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("username"),
            Field.text("password"),
            Button("submit", "Sign in"),
        )


class SingleSignOnForm(forms.Form):
    """The first step of signing in with a council's own account: which council, told by the email domain."""

    email = forms.EmailField(
        label="Work email address",
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your work email address",
            "invalid": "Enter an email address in the correct format, like name@council.gov.uk",
            "max_length": f"Enter an email address of {EMAIL_MAX_LENGTH} characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.text("email"), Button("submit", "Continue"))


class GovukPasswordResetForm(PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages.update(
            {"required": "Enter your email address", "invalid": "Enter a valid email address"}
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.text("email"), Button("submit", "Send reset link"))


class GovukSetPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Confirm your new password"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("new_password1"), Field.text("new_password2"), Button("submit", "Change password")
        )


class StartAssessmentForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Council",
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the council this assessment is for"},
    )
    period = forms.ChoiceField(
        label="Which financial year is this assessment for?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the financial year",
            "invalid_choice": "Select the financial year",
        },
    )
    bank_version = forms.ModelChoiceField(
        queryset=BankVersion.objects.none(),
        label="Question bank",
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the question bank"},
    )

    def __init__(self, *args, organisations, periods: list[str], bank_versions, **kwargs):
        super().__init__(*args, **kwargs)
        organisation_field = cast(forms.ModelChoiceField, self.fields["organisation"])
        organisation_field.queryset = organisations
        cast(forms.ChoiceField, self.fields["period"]).choices = [(p, p) for p in periods]
        version_field = cast(forms.ModelChoiceField, self.fields["bank_version"])
        version_field.queryset = bank_versions
        version_field.label_from_instance = lambda obj: f"{obj.bank.title} (version {obj.number})"  # type: ignore[method-assign]
        layout = []
        # Only ask what there is a choice about.
        if len(organisations) == 1:
            self.fields["organisation"].widget = forms.HiddenInput()
            self.initial.setdefault("organisation", organisations[0].pk)
        else:
            layout.append(Field.radios("organisation", legend_size=Size.MEDIUM))
        layout.append(Field.radios("period", legend_size=Size.MEDIUM))
        if len(bank_versions) == 1:
            self.fields["bank_version"].widget = forms.HiddenInput()
            self.initial.setdefault("bank_version", bank_versions[0].pk)
        else:
            layout.append(Field.radios("bank_version", legend_size=Size.MEDIUM))
        self.fields["period"].help_text = "Financial years run from 1 April to 31 March."
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *layout,
            *(
                Field(name)
                for name in ("organisation", "bank_version")
                if isinstance(self.fields[name].widget, forms.HiddenInput)
            ),
            Button("submit", "Start assessment"),
        )


class MultiLineTextField(forms.CharField):
    """Text typed in a text area. A browser sends each line break as CR LF, two characters, but shows and counts
    it as one, as the page's character count does: it is kept as one, and so counted against the limit."""

    widget = forms.Textarea

    def to_python(self, value):
        text = super().to_python(value)
        return text.replace("\r\n", "\n") if text else text


LEVEL_CHOICES_SENT = frozenset({*(str(level.value) for level in MaturityLevel), NOT_APPLICABLE})


@dataclass
class QuestionBlock:
    """Everything the theme page shows for one question, with its bound fields."""

    number: int
    question: Question
    answer: Answer | None
    level: forms.BoundField
    evidence: forms.BoundField
    version: forms.BoundField
    conflict: Answer | None = None  # a colleague's newer answer, shown beside the one just typed
    item_form: "EvidenceItemForm | None" = None  # an "Add an evidence item" form as sent, with its errors
    evidence_items: "list[EvidenceItem]" = field(default_factory=list)  # the answer's, set by the page

    not_applicable_value = NOT_APPLICABLE  # the one encoding of "not applicable", for the page's radio

    @property
    def prefix(self) -> str:
        return f"q{self.question.id}"

    @property
    def needs_evidence(self) -> bool:
        """Saved at a level that needs an evidence item behind it (scoring's rule for an unverified claim)."""
        level = self.answer.level if self.answer is not None else None
        return level is not None and level >= UNVERIFIED_FROM_LEVEL

    @cached_property
    def new_item_form(self) -> "EvidenceItemForm":
        """An empty "Add an evidence item" form, dated today: built only when its HTML is not already kept."""
        return EvidenceItemForm.for_question(self.question.id)

    @cached_property
    def chosen(self) -> str:
        """The radio to show as chosen: a level ("3"), NOT_APPLICABLE, or "" for none (also for anything else sent,
        which matches no radio: the page's drawn radios are kept by this value, so it must be one of a few)."""
        value = str(self.level.value())
        return value if value in LEVEL_CHOICES_SENT else ""


class _SettledBoundField(forms.BoundField):
    """A field of the theme page, read many times while the page is drawn: its id, errors and value are worked
    out once. An error added to the form afterwards starts them afresh (`ThemeAnswersForm.add_error`)."""

    @cached_property
    def auto_id(self) -> str:
        return super().auto_id

    @cached_property
    def errors(self) -> forms.utils.ErrorList:
        return super().errors

    @cached_property
    def _value(self):
        return super().value()

    def value(self):
        return self._value


class ThemeAnswersForm(forms.Form):
    """One level (or "Not applicable") and one evidence note for each question in a theme.

    Fields are named after question ids (q12-level, q12-evidence, q12-version); a field for a question that
    is not in this theme is never read, so a forged id cannot reach another question.
    """

    bound_field_class = _SettledBoundField

    def __init__(self, *args, questions: list[Question], answers: dict[int, Answer], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.answers = answers
        for number, question in enumerate(questions, start=1):
            answer = answers.get(question.id)
            choices = [(str(level.value), f"Level {level.value}") for level in MaturityLevel]
            if question.allows_not_applicable:
                choices.append((NOT_APPLICABLE, "Not applicable"))
            self.fields[f"q{question.id}-level"] = forms.ChoiceField(
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": f"Question {number}: select one of the levels shown"},
            )
            self.fields[f"q{question.id}-evidence"] = MultiLineTextField(
                required=False,
                max_length=EVIDENCE_MAX_LENGTH,
                strip=False,
                error_messages={
                    "max_length": f"Question {number}: notes must be {EVIDENCE_MAX_LENGTH:,} characters or fewer"
                },
            )
            self.fields[f"q{question.id}-version"] = forms.IntegerField(
                required=False, min_value=0, widget=forms.HiddenInput
            )
            if answer is not None:
                self.initial[f"q{question.id}-level"] = level_encode(
                    level=answer.level, not_applicable=answer.is_not_applicable
                )
                self.initial[f"q{question.id}-evidence"] = answer.evidence
                self.initial[f"q{question.id}-version"] = answer.version
            else:
                self.initial[f"q{question.id}-version"] = 0

    def add_error(self, field, error):
        super().add_error(field, error)
        self._bound_fields_cache.clear()  # type: ignore[attr-defined]  # their errors were worked out before this one

    def blocks(self) -> list[QuestionBlock]:
        return [
            QuestionBlock(
                number=number,
                question=question,
                answer=self.answers.get(question.id),
                level=self[f"q{question.id}-level"],
                evidence=self[f"q{question.id}-evidence"],
                version=self[f"q{question.id}-version"],
            )
            for number, question in enumerate(self.questions, start=1)
        ]

    def error_list(self) -> list[tuple[str, str]]:
        """(field id, message) pairs in page order, for the error summary."""
        items = []
        for block in self.blocks():
            for bound in (block.level, block.evidence, block.version):
                for error in bound.errors:
                    anchor = f"{bound.auto_id}" if bound is not block.level else f"{bound.auto_id}_0"
                    items.append((anchor, str(error)))
        return items

    def changes(self) -> list[AnswerChange]:
        """What the person submitted, for every question they have touched or answered before."""
        changes = []
        for question in self.questions:
            level_value = self.cleaned_data.get(f"q{question.id}-level") or ""
            evidence = self.cleaned_data.get(f"q{question.id}-evidence") or ""
            version = self.cleaned_data.get(f"q{question.id}-version")
            if not level_value and not evidence.strip() and question.id not in self.answers:
                continue
            level, not_applicable = level_decode(level_value)  # the choice field allows only valid values
            changes.append(
                AnswerChange(
                    question=question,
                    level=level,
                    not_applicable=not_applicable,
                    evidence=evidence,
                    expected_version=version,
                )
            )
        return changes


class AutosaveForm(forms.Form):
    """One answer saved as the officer goes (the JavaScript enhancement of the theme page)."""

    question = forms.IntegerField()
    level = forms.CharField(required=False, max_length=2)
    evidence = MultiLineTextField(
        required=False,
        max_length=EVIDENCE_MAX_LENGTH,
        strip=False,
        error_messages={"max_length": f"Notes must be {EVIDENCE_MAX_LENGTH:,} characters or fewer"},
    )
    version = forms.IntegerField(required=False, min_value=0)

    def clean_level(self) -> tuple[int | None, bool]:
        """(level, not applicable)."""
        try:
            return level_decode(self.cleaned_data["level"])
        except ValueError:
            raise forms.ValidationError("Choose a level from 1 to 5") from None


class SubmitAssessmentForm(forms.Form):
    confirm = forms.BooleanField(
        label="I confirm these answers are an honest account of the council's current position",
        error_messages={"required": "Confirm that the answers are an honest account before you submit"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.checkbox("confirm"), Button("submit", "Submit assessment"))


@dataclass(frozen=True)
class TargetChoice:
    """One thing a lead can set a target for: a theme, or a single question."""

    obj: object
    field_name: str
    label: str
    hint: str
    default_label: str  # what applies when the lead sets nothing, for example "The bank's target (level 3)"
    current: int | None  # the lead's target now, if set


class TargetsForm(forms.Form):
    """A target level for each theme (or each question of a theme); the first choice clears the lead's target
    so the default applies again."""

    DEFAULT = "default"

    def __init__(self, *args, choices: list[TargetChoice], button: str = "Save targets", **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices
        for choice in choices:
            self.fields[choice.field_name] = forms.ChoiceField(
                label=choice.label,
                choices=[(self.DEFAULT, choice.default_label)]
                + [(str(level.value), f"Level {level.value}: {level.label}") for level in MaturityLevel],
                help_text=choice.hint,
                error_messages={"invalid_choice": f"Choose a target level for {choice.label}"},
            )
            self.initial[choice.field_name] = str(choice.current) if choice.current else self.DEFAULT
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*(Field.select(choice.field_name) for choice in choices), Button("submit", button))

    def levels(self) -> dict:
        """{theme or question: level, or None to use the default}."""
        return {
            choice.obj: None
            if self.cleaned_data[choice.field_name] == self.DEFAULT
            else int(self.cleaned_data[choice.field_name])
            for choice in self.choices
        }


class GovukDateField(DateInputField):
    """A date typed into GOV.UK's date input pattern: day, month and year in three boxes, with messages that say
    which part is wrong."""

    def __init__(self, *, what: str, example: str = "27 3 2027", **kwargs):
        # Each missing part gets its own message ("Enter the month of …"), rather than the whole date being
        # quietly treated as blank. `example` is the one the hint gives, so the two never disagree.
        super().__init__(require_all_fields=False, **kwargs)
        self.error_messages = {
            "required": f"Enter {what}",
            "incomplete": f"Enter {what} as a day, month and year, for example {example}",
            "invalid": f"Enter {what} as a real date, for example {example}",
        }
        for sub, name in zip(self.fields, ("day", "month", "year"), strict=True):
            sub.error_messages["incomplete"] = f"Enter the {name} of {what}"
            sub.validators = [RegexValidator(r"^[0-9]+$", f"Enter {what} using numbers only, for example {example}")]
        for widget in self.widget.widgets:
            widget.attrs["inputmode"] = "numeric"

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except (ValidationError, OverflowError) as error:  # OverflowError: a year too large for Python's int
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error


def _helper(*fields, button: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*fields, Button("submit", button))
    return helper


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=EMAIL_MAX_LENGTH,
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter a valid email address",
            "max_length": f"The email address must be {EMAIL_MAX_LENGTH} characters or fewer",
        },
    )
    role = forms.ChoiceField(
        choices=[(r.value, r.label) for r in Membership.Role],
        widget=forms.RadioSelect,
        initial=Membership.Role.OFFICER,
        error_messages={"required": "Choose a role"},
    )

    def __init__(self, *args, allow_admin: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_admin:
            cast(forms.ChoiceField, self.fields["role"]).choices = [
                (r.value, r.label) for r in Membership.Role if r != Membership.Role.ORGANISATION_ADMIN
            ]
        self.fields["role"].help_text = (
            "Officers answer themes. Leads also assign themes, set targets, review and sign off. "
            "Organisation administrators manage the team."
        )
        self.helper = _helper(
            Field.text("email"), Field.radios("role", legend_size=Size.SMALL), button="Send invitation"
        )


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(
        label="Your full name", max_length=150, error_messages={"required": "Enter your full name"}
    )
    password1 = forms.CharField(
        label="Choose a password", widget=forms.PasswordInput, help_text="At least 12 characters."
    )
    password2 = forms.CharField(label="Type the password again", widget=forms.PasswordInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].error_messages["required"] = "Choose a password"
        self.fields["password2"].error_messages["required"] = "Type the password again"
        self.helper = _helper(
            Field.text("full_name"), Field.text("password1"), Field.text("password2"), button="Create account and join"
        )

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", "The passwords do not match")
        return cleaned  # the password rules are checked by the service, with the person's own details


class ReturnThemeForm(forms.Form):
    comment = MultiLineTextField(
        label="What needs to change?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Say what needs to change, so the officer knows what to do"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("comment"), button="Return theme")


class ReopenForm(forms.Form):
    reason = MultiLineTextField(
        label="Why does this assessment need to be reopened?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="The reason is recorded with the assessment and shown in its history.",
        error_messages={"required": "Give the reason for reopening"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("reason"), button="Reopen assessment")


class EvidenceItemForm(forms.Form):
    description = forms.CharField(
        label="What is the evidence?", max_length=500, error_messages={"required": "Describe the evidence"}
    )
    link = forms.URLField(
        label="Link (optional)",
        required=False,
        max_length=1000,
        assume_scheme="https",
        help_text="A web address starting with http:// or https://",
        error_messages={"invalid": "Enter a web address starting with http:// or https://"},
    )
    owner = forms.CharField(
        label="Who owns it?", max_length=200, help_text="A person or team, for example Head of IT",
        error_messages={"required": "Enter who owns this evidence"},
    )  # fmt: skip
    dated = GovukDateField(
        what="the date of the evidence", example="27 3 2026", label="Date of the evidence",
        help_text="For example, 27 3 2026",
    )  # fmt: skip

    @classmethod
    def for_question(cls, question_id: int, data=None) -> "EvidenceItemForm":
        """The form as the theme page has one for each question, its fields named after the question."""
        return cls(data, prefix=f"q{question_id}-item", initial={"dated": timezone.localdate()})

    @cached_property
    def helper(self) -> FormHelper:
        # Built when the form is drawn by crispy (the evidence page), not for each of the theme page's questions,
        # which lay the form out by hand.
        return _helper(
            Field.text("description"), Field.text("link"), Field.text("owner"), Field("dated"),
            button="Add evidence item",
        )  # fmt: skip

    def clean_link(self) -> str:
        from assessment.services.collaboration import evidence_link_clean

        try:
            return evidence_link_clean(self.cleaned_data["link"])
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["link"]) from error


class NextCycleForm(forms.Form):
    period = forms.ChoiceField(
        label="Which financial year is the new assessment for?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the financial year", "invalid_choice": "Select the financial year"},
    )

    def __init__(self, *args, periods: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["period"]).choices = [(p, p) for p in periods]
        self.helper = _helper(Field.radios("period", legend_size=Size.MEDIUM), button="Start assessment")


class ActionForm(forms.Form):
    text = MultiLineTextField(
        label="Action", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Describe the action"}
    )
    owner = forms.CharField(
        label="Owner",
        max_length=200,
        help_text="A person or team",
        error_messages={"required": "Enter who owns this action"},
    )
    due_date = GovukDateField(
        what="the due date", example="31 3 2027", label="Due date (optional)", required=False,
        help_text="For example, 31 3 2027",
    )  # fmt: skip
    question_key = forms.SlugField(widget=forms.HiddenInput, required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("text"),
            Field.text("owner"),
            Field("due_date"),
            Field("question_key"),
            button="Add action",
        )


def form_add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on a form: field errors beside their fields, the rest in the summary."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class SecurityCodeForm(forms.Form):
    """A code from an authenticator app (or, when signing in, a recovery code)."""

    code = forms.CharField(
        label="Security code",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
        error_messages={"required": "Enter the code from your authenticator app"},
    )

    def __init__(self, *args, button: str = "Continue", hint: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = hint
        self.helper = _helper(Field.text("code", field_width=Fixed.TEN), button=button)


class RequireTwoFactorForm(forms.Form):
    required = forms.BooleanField(
        required=False,
        label="Everyone in this council must use two-factor authentication",
        help_text="People who have not set it up will be asked to the next time they sign in.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.checkbox("required"), button="Save")
