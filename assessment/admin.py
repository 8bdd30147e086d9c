"""The admin site: councils and people for platform administrators, and question-bank editing for the
"Question bank editors" group. A published or retired bank version is read-only here, whoever you are."""

import json
import re
from typing import cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from assessment.forms import ThemeAnswersForm, form_add_service_errors
from assessment.models import (
    COUNCIL_TYPE_VALUES,
    EMAIL_MAX_LENGTH,
    Assessment,
    BankVersion,
    Invitation,
    LevelDescriptor,
    Membership,
    Organisation,
    Question,
    QuestionBank,
    Recommendation,
    SingleSignOn,
    Source,
    SupportEvent,
    Theme,
    User,
)
from assessment.models.organisations import CouncilType
from assessment.services.bank_files import IMPORT_MAX_BYTES, bank_file_parse
from assessment.services.bank_schema import KEY_PATTERN, UNSTORABLE, frameworks_validate
from assessment.services.question_banks import (
    BankVersionNotEditable,
    BankVersionStateError,
    QuestionBankInvalid,
    bank_version_create_draft,
    bank_version_delete_draft,
    bank_version_publish,
    bank_version_publish_problems,
    bank_version_require_draft,
    bank_version_retire,
    bank_version_serialise,
    question_bank_import,
)
from assessment.services.teams import invitation_create_first_administrator, invitation_link_new, support_event_record


class UserChangeForm(BaseUserChangeForm):
    def clean(self):
        cleaned = super().clean() or self.cleaned_data
        councils = [m.organisation.name for m in self.instance.memberships.select_related("organisation")]
        if councils and (cleaned.get("is_staff") or cleaned.get("is_superuser")):
            raise ValidationError(
                f"{self.instance.email} is a member of {', '.join(councils)}. Platform administrators cannot be "
                "members of a council: ask the council's organisation administrators to remove them first."
            )
        return cleaned


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_active", "groups"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal details", {"fields": ("full_name",)}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)


class MembershipInline(admin.TabularInline):
    """Who is in the council, for support. Only the council's own administrators change it, in the service."""

    model = Membership
    fields = readonly_fields = ("user", "role", "created_at")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class SingleSignOnForm(forms.ModelForm):
    """The client secret is written, never shown: leave it blank to keep the one saved."""

    client_secret = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="The client secret the provider gave. Leave blank to keep the one already saved.",
    )

    class Meta:
        model = SingleSignOn
        fields = ["issuer", "client_id", "client_secret", "email_domains", "is_enabled"]

    def clean_client_secret(self) -> str:
        secret = self.cleaned_data.get("client_secret", "")
        if secret:
            return secret
        if self.instance.pk and self.instance.client_secret:
            return self.instance.client_secret
        raise ValidationError("Enter the client secret")

    def has_changed(self) -> bool:
        # An empty secret field on a saved set-up means "keep it", not a change.
        return any(name != "client_secret" or self["client_secret"].data for name in self.changed_data)


class SingleSignOnInline(admin.StackedInline):
    """The council's own identity provider (OpenID Connect). docs/security.md says how to register the
    service with Microsoft Entra ID, Google Workspace or another provider."""

    model = SingleSignOn
    form = SingleSignOnForm
    max_num = 1
    can_delete = True


class FirstAdministratorForm(forms.Form):
    email = forms.EmailField(
        label="Email address of the council's organisation administrator",
        max_length=EMAIL_MAX_LENGTH,
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address like name@council.gov.uk",
        },
    )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Councils and who is in them. Platform administrators set a council up and invite its first organisation
    administrator; from then on the council decides who joins. Every change here is shown on the council's
    team page."""

    list_display = ["name", "council_type", "nation", "region"]
    list_filter = ["council_type", "nation"]
    search_fields = ["name"]
    inlines = [SingleSignOnInline, MembershipInline]
    change_form_template = "admin/assessment/organisation/change_form.html"

    def has_delete_permission(self, request, obj=None) -> bool:
        # A council with assessments is kept: deleting it would delete what the council has recorded.
        return obj is None or not obj.assessments.exists()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            changed = ", ".join(str(form.fields[name].label).lower() for name in form.changed_data)
            support_event_record(
                organisation=obj,
                actor=request.user,
                kind=SupportEvent.Kind.DETAILS_CHANGED,
                detail=f"Changed {changed}",
            )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is SingleSignOn and (
            formset.new_objects or formset.changed_objects or formset.deleted_objects
        ):
            if formset.deleted_objects:
                detail = "Removed single sign-on"
            elif formset.new_objects:
                detail = "Set up single sign-on"
            else:
                fields = sorted({name for _, names in formset.changed_objects for name in names})
                labels = [str(formset.form.base_fields[name].label or name).lower() for name in fields]
                detail = f"Changed {', '.join(labels)}"
            support_event_record(
                organisation=form.instance, actor=request.user, kind=SupportEvent.Kind.SINGLE_SIGN_ON_CHANGED,
                detail=detail,
            )  # fmt: skip

    def get_urls(self):
        return [
            path(
                "<int:pk>/invite-administrator/",
                self.admin_site.admin_view(self.invite_administrator_view),
                name="assessment_organisation_invite_administrator",
            ),
            *super().get_urls(),
        ]

    def invite_administrator_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        organisation = get_object_or_404(Organisation, pk=pk)
        user = cast(User, request.user)  # the admin site only lets signed-in staff this far
        form = FirstAdministratorForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            email = form.cleaned_data["email"]
            try:
                invitation = invitation_create_first_administrator(
                    organisation=organisation, invited_by=user, email=email,
                    base_url=request.build_absolute_uri("/"),
                )  # fmt: skip
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                invitation.refresh_from_db(fields=["email_status"])  # sent already where tasks run inline
                if invitation.email_status == Invitation.Email.SENT:
                    messages.success(request, f"An invitation has been emailed to {email}.")
                elif invitation.email_status == Invitation.Email.SENDING:
                    messages.success(request, f"An invitation is being emailed to {email}.")
                else:
                    link = invitation_link_new(invitation=invitation, base_url=request.build_absolute_uri("/"))
                    messages.warning(
                        request, f"The invitation was created but the email could not be sent. Send this link to "
                        f"{email} yourself; it works once and expires in 7 days: {link}",
                    )  # fmt: skip
                return redirect("admin:assessment_organisation_change", organisation.pk)
        return render(
            request,
            "admin/assessment/organisation/invite_administrator.html",
            {**self.admin_site.each_context(request), "title": f"Invite {organisation.name}'s organisation "
             "administrator", "organisation": organisation, "form": form, "opts": self.model._meta},
        )  # fmt: skip


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """For support: which council has which assessment, and how far it has got. Answers, evidence, actions
    and scores stay in the service, visible only to the council; nothing here can change or delete one."""

    list_display = ["organisation", "period", "status", "bank_version", "updated_at"]
    list_filter = ["status", "period"]
    search_fields = ["organisation__name"]
    fields = readonly_fields = (
        "organisation", "period", "status", "bank_version", "questions_answered", "created_at", "submitted_at",
        "signed_off_at",
    )  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Questions answered")
    def questions_answered(self, assessment: Assessment) -> int:
        return assessment.answers.filter(Q(level__isnull=False) | Q(is_not_applicable=True)).count()


# Question banks -------------------------------------------------------------------------------------------


def _version_of(obj) -> BankVersion | None:
    if obj is None:
        return None
    if isinstance(obj, BankVersion):
        return obj
    if isinstance(obj, Theme | Question):
        return obj.version
    return obj.question.version  # descriptors, recommendations, sources


class DraftOnlyMixin:
    """Content can be added, changed or deleted only while its version is a draft."""

    def _is_draft(self, obj) -> bool:
        version = _version_of(obj)
        return version is None or version.is_draft

    # A mixin for both ModelAdmin and InlineModelAdmin, hence the type: ignore on each super() call.
    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._is_draft(obj)  # type: ignore[misc]

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._is_draft(obj)  # type: ignore[misc]

    # The permission checks above hide the controls; the service check below refuses the write itself.
    def save_model(self, request, obj, form, change):
        bank_version_require_draft(version=_version_of(obj))  # type: ignore[arg-type]
        super().save_model(request, obj, form, change)  # type: ignore[misc]

    def delete_model(self, request, obj):
        bank_version_require_draft(version=_version_of(obj))  # type: ignore[arg-type]
        super().delete_model(request, obj)  # type: ignore[misc]


class DraftOnlyInlineMixin(DraftOnlyMixin):
    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and self._is_draft(obj)  # type: ignore[misc]


class LevelDescriptorInline(DraftOnlyInlineMixin, admin.TabularInline):
    model = LevelDescriptor
    extra = 0
    max_num = 5
    fields = ["level", "descriptor"]


class RecommendationInline(DraftOnlyInlineMixin, admin.TabularInline):
    model = Recommendation
    extra = 0
    max_num = 5
    fields = ["level", "text", "effort"]


class SourceInline(DraftOnlyInlineMixin, admin.TabularInline):
    model = Source
    extra = 0
    fields = ["title", "publisher", "year", "quote", "position"]


class HistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's admin, with a 404 for a history entry whose id is not a number (it was a 500)."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not str(version_id).isdigit():
            raise Http404("No such history entry")
        return super().history_form_view(request, object_id, version_id, extra_context)


class _FrameworksField(forms.JSONField):
    """Framework references typed as JSON, refused with a message, never a server error, when they cannot be
    read (a 5,000-digit number, nesting thousands deep): Django's own field expects only malformed JSON."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except (ValueError, RecursionError) as error:
            raise forms.ValidationError("Enter the references as a list, as in an exported bank file") from error

    def bound_data(self, data, initial):
        try:
            return super().bound_data(data, initial)
        except (ValueError, RecursionError):
            return forms.fields.InvalidJSONInput(data)

    def prepare_value(self, value):
        text = super().prepare_value(value)
        # Half a character ("\ud800", decoded) cannot be written to the page: shown escaped, as it was typed.
        return json.dumps(value, ensure_ascii=True) if UNSTORABLE.search(text) else text


class QuestionForm(forms.ModelForm):
    frameworks = _FrameworksField(
        required=False,
        help_text='A list such as [{"framework": "NCSC CAF", "ref": "B4.d"}], as in an exported bank file.',
    )
    applies_to = forms.MultipleChoiceField(
        choices=CouncilType.choices, widget=forms.CheckboxSelectMultiple, label="Applies to"
    )
    pillars = forms.MultipleChoiceField(
        choices=Question.Pillar.choices, widget=forms.CheckboxSelectMultiple, label="Socitm pillars"
    )
    replaces = forms.CharField(
        required=False,
        label="Replaces",
        help_text="Keys of questions in earlier versions that this one replaces or absorbs, separated by commas. "
        "Their answers are carried forward into this question when a council starts its next assessment.",
    )

    class Meta:
        model = Question
        fields = [
            "theme", "key", "text", "guidance", "weight", "applies_to", "allows_not_applicable", "critical",
            "pillars", "frameworks", "replaces", "position",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["replaces"] = ", ".join(self.instance.replaces)

    def _as_stored(self, name: str, chosen: list[str]) -> list[str]:
        """The same choices in the order already stored, so that saving without changing them records no change
        in the history (a question loaded from a bank file keeps that file's order); new choices in the order
        the boxes are listed."""
        stored = getattr(self.instance, name) or []
        return list(stored) if set(stored) == set(chosen) else chosen

    def clean_applies_to(self) -> list[str]:
        return self._as_stored("applies_to", [t for t in COUNCIL_TYPE_VALUES if t in self.cleaned_data["applies_to"]])

    def clean_pillars(self) -> list[str]:
        return self._as_stored("pillars", [p for p in Question.Pillar.values if p in self.cleaned_data["pillars"]])

    def clean_frameworks(self) -> list[dict]:
        """Checked as an imported bank's are, so that what the editor saves can be stored and exported."""
        value = self.cleaned_data["frameworks"]
        if value in (None, ""):
            return []
        try:
            return frameworks_validate(value)
        except QuestionBankInvalid as invalid:
            raise forms.ValidationError(invalid.problems) from invalid

    def clean_replaces(self) -> list[str]:
        keys = [key.strip() for key in self.cleaned_data["replaces"].split(",") if key.strip()]
        bad = [key for key in keys if not re.fullmatch(KEY_PATTERN, key)]
        if bad:
            raise forms.ValidationError(f"Use question keys (lowercase letters, numbers and hyphens): {', '.join(bad)}")
        return keys


@admin.register(Question)
class QuestionAdmin(DraftOnlyMixin, HistoryAdmin):
    form = QuestionForm
    list_display = ["key", "text", "theme", "weight", "critical", "version"]
    list_filter = ["version__bank", "version", "theme__title", "critical", "allows_not_applicable"]
    search_fields = ["key", "text", "guidance"]
    readonly_fields = ["version"]
    inlines = [LevelDescriptorInline, RecommendationInline, SourceInline]
    list_select_related = ["theme", "version__bank"]

    def has_add_permission(self, request) -> bool:
        return False  # questions are added from their theme, so they belong to the right version

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "theme" and request.resolver_match.kwargs.get("object_id"):
            question = Question.objects.filter(pk=request.resolver_match.kwargs["object_id"]).first()
            if question:
                kwargs["queryset"] = Theme.objects.filter(version=question.version_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class QuestionInline(DraftOnlyInlineMixin, admin.TabularInline):
    model = Question
    extra = 0
    fields = ["position", "key", "text", "weight", "critical", "allows_not_applicable"]
    show_change_link = True
    ordering = ["position"]


def theme_preview_link(theme: Theme) -> str:
    """A link to the theme as officers will see it (the version page's draft says "preview them")."""
    label = format_html('Preview<span class="visually-hidden"> {}</span>', theme.title)
    return format_html('<a href="{}">{}</a>', reverse("admin:assessment_theme_preview", args=[theme.pk]), label)


@admin.register(Theme)
class ThemeAdmin(DraftOnlyMixin, HistoryAdmin):
    list_display = ["title", "short_title", "key", "version", "weight", "default_target", "position", "preview_link"]
    list_filter = ["version__bank", "version"]
    search_fields = ["title", "key", "description"]
    readonly_fields = ["version"]
    fields = ["version", "key", "title", "short_title", "description", "weight", "default_target", "position"]
    inlines = [QuestionInline]
    list_select_related = ["version__bank"]

    def has_add_permission(self, request) -> bool:
        return False  # themes are added from their bank version

    @admin.display(description="Preview")
    def preview_link(self, theme: Theme) -> str:
        return theme_preview_link(theme)

    def save_formset(self, request, form, formset, change):
        # A question added from its theme belongs to the theme's version.
        for question in formset.save(commit=False):
            question.version_id = form.instance.version_id
            if not question.applies_to:
                question.applies_to = list(COUNCIL_TYPE_VALUES)
            question.save()
        for obj in formset.deleted_objects:
            obj.delete()

    def get_urls(self):
        return [
            path("<int:pk>/preview/", self.admin_site.admin_view(self.preview_view), name="assessment_theme_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The theme exactly as officers will see it, built from the same partial as the real page."""
        theme = get_object_or_404(Theme.objects.select_related("version__bank"), pk=pk)
        if not self.has_view_permission(request, theme):
            raise PermissionDenied
        questions = list(theme.questions.order_by("position", "id").prefetch_related("levels", "sources"))
        form = ThemeAnswersForm(questions=questions, answers={})
        critical = [question for question in questions if question.critical]
        return render(
            request,
            "admin/assessment/theme_preview.html",
            {"theme": theme, "blocks": form.blocks(), "critical": critical},
        )


class ThemeInline(DraftOnlyInlineMixin, admin.TabularInline):
    model = Theme
    extra = 0
    fields = ["position", "key", "title", "short_title", "weight", "default_target", "preview_link"]
    readonly_fields = ["preview_link"]
    show_change_link = True
    ordering = ["position"]

    @admin.display(description="Preview")
    def preview_link(self, theme: Theme) -> str:
        return theme_preview_link(theme) if theme.pk else ""  # a row being added has nothing to preview yet


class ImportForm(forms.Form):
    file = forms.FileField(label="Question bank file (JSON or YAML, in the export shape)")


@admin.register(BankVersion)
class BankVersionAdmin(DraftOnlyMixin, HistoryAdmin):
    list_display = ["__str__", "status", "published_at", "question_count"]
    list_filter = ["bank", "status"]
    readonly_fields = ["bank", "number", "status", "published_at", "published_by", "created_by"]
    fields = readonly_fields
    inlines = [ThemeInline]
    change_form_template = "admin/assessment/bankversion/change_form.html"

    def has_add_permission(self, request) -> bool:
        return False  # versions come from "Start a new draft", imports and the shipped banks

    @admin.display(description="Questions")
    def question_count(self, version: BankVersion) -> int:
        return version.questions.count()

    def get_urls(self):
        def view(name, func):
            return path(
                f"<int:pk>/{name}/",
                self.admin_site.admin_view(func),
                name=f"assessment_bankversion_{name.replace('-', '_')}",
            )

        return [
            view("publish", self.publish_view),
            view("retire", self.retire_view),
            view("delete-draft", self.delete_draft_view),
            view("export", self.export_view),
            *super().get_urls(),
        ]

    def _require_publisher(self, request) -> None:
        if not request.user.has_perm("assessment.publish_bankversion"):
            raise PermissionDenied

    def _confirm(self, request, version, *, title, action, explanation, problems=(), button="Confirm"):
        return render(
            request,
            "admin/assessment/confirm_action.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "version": version,
                "explanation": explanation,
                "problems": problems,
                "button": button,
                "action": action,
                "opts": self.model._meta,
            },
        )

    def publish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._require_publisher(request)
        version = get_object_or_404(BankVersion, pk=pk)
        if request.method == "POST":
            try:
                bank_version_publish(version=version, user=request.user)
            except QuestionBankInvalid as invalid:
                return self._confirm(
                    request, version, title=f"Version {version.number} cannot be published yet", action="publish",
                    explanation="Fix these problems in the draft, then try again.", problems=invalid.problems,
                    button="Check again and publish",
                )  # fmt: skip
            except BankVersionStateError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, f"Version {version.number} is published. New assessments will use it.")
            return redirect("admin:assessment_bankversion_change", pk)
        problems = bank_version_publish_problems(version=version) if version.is_draft else []
        return self._confirm(
            request, version, title=f"Publish version {version.number}?", action="publish",
            explanation="Once published this version can never change. New assessments will use it; the current "
            "published version will be retired. Assessments already started keep the version they began with.",
            problems=problems, button="Publish",
        )  # fmt: skip

    def retire_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._require_publisher(request)
        version = get_object_or_404(BankVersion, pk=pk)
        if request.method == "POST":
            try:
                bank_version_retire(version=version)
            except BankVersionStateError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, f"Version {version.number} is retired.")
            return redirect("admin:assessment_bankversion_change", pk)
        return self._confirm(
            request, version, title=f"Retire version {version.number}?", action="retire",
            explanation="Councils will not be able to start new assessments on this version until another is "
            "published. Assessments that use it are not affected.", button="Retire",
        )  # fmt: skip

    def delete_draft_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = get_object_or_404(BankVersion, pk=pk)
        if not request.user.has_perm("assessment.delete_bankversion"):
            raise PermissionDenied
        if request.method == "POST":
            try:
                bank_version_delete_draft(version=version)
            except (BankVersionNotEditable, BankVersionStateError) as error:
                messages.error(request, str(error))
                return redirect("admin:assessment_bankversion_change", pk)
            messages.success(request, f"Draft version {version.number} was deleted.")
            return redirect("admin:assessment_bankversion_changelist")
        return self._confirm(
            request, version, title=f"Delete draft version {version.number}?", action="delete-draft",
            explanation="All changes made in this draft will be lost. Published versions are not affected.",
            button="Delete draft",
        )  # fmt: skip

    def export_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = get_object_or_404(BankVersion.objects.select_related("bank"), pk=pk)
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        fmt = "yaml" if request.GET.get("format") == "yaml" else "json"
        response = HttpResponse(
            bank_version_serialise(version=version, fmt=fmt),
            content_type="application/json" if fmt == "json" else "application/yaml",
        )
        filename = f"{version.bank.key}-v{version.number}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


@admin.register(QuestionBank)
class QuestionBankAdmin(admin.ModelAdmin):  # a bank itself has no recorded history: its versions do
    list_display = ["title", "key"]
    search_fields = ["title", "key"]
    readonly_fields = ["key"]
    change_form_template = "admin/assessment/questionbank/change_form.html"

    def has_add_permission(self, request) -> bool:
        return False  # banks arrive through import or the shipped files, with their first version

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/new-draft/",
                self.admin_site.admin_view(self.new_draft_view),
                name="assessment_questionbank_new_draft",
            ),
            path("import/", self.admin_site.admin_view(self.import_view), name="assessment_questionbank_import"),
            *super().get_urls(),
        ]

    def new_draft_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm("assessment.add_bankversion"):
            raise PermissionDenied
        bank = get_object_or_404(QuestionBank, pk=pk)
        latest = bank.versions.order_by("-number").first()
        if request.method == "POST":
            try:
                draft = bank_version_create_draft(bank=bank, user=request.user)
            except BankVersionStateError as error:
                messages.error(request, str(error))
                return redirect("admin:assessment_questionbank_change", pk)
            messages.success(request, f"Draft version {draft.number} is ready to edit.")
            return redirect("admin:assessment_bankversion_change", draft.pk)
        return render(
            request,
            "admin/assessment/confirm_action.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Start a new draft of {bank.title}?",
                "version": latest,
                "explanation": f"The draft starts as a copy of version {latest.number if latest else '–'}. "
                "Nothing changes for councils until you publish it.",
                "button": "Start a new draft",
                "opts": self.model._meta,
            },
        )

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("assessment.add_bankversion"):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        problems: list[str] = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                # Read one byte past the limit, so an oversized file is refused without reading all of it.
                data = bank_file_parse(content=upload.read(IMPORT_MAX_BYTES + 1), filename=upload.name)
                draft = question_bank_import(data=data, user=request.user)
            except QuestionBankInvalid as invalid:
                problems = invalid.problems
            except BankVersionStateError as error:
                problems = [str(error)]
            else:
                messages.success(request, f"Imported as draft version {draft.number}. Review it, then publish.")
                return redirect("admin:assessment_bankversion_change", draft.pk)
        return render(
            request,
            "admin/assessment/import.html",
            {**self.admin_site.each_context(request), "title": "Import a question bank", "form": form,
             "problems": problems, "opts": self.model._meta},
        )  # fmt: skip


# Two-factor devices ---------------------------------------------------------------------------------------
# Support removes a lost authenticator app or spent recovery codes (after checking who is asking), so the
# person sets up a new app at their next sign-in. The secrets themselves are never shown.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


class TwoFactorDeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed"]
    search_fields = ["user__email"]
    fields = readonly_fields = ("user", "name", "confirmed")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


admin.site.register(TOTPDevice, TwoFactorDeviceAdmin)
admin.site.register(StaticDevice, TwoFactorDeviceAdmin)
