from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import dateformat
from django.views.decorators.http import require_http_methods, require_POST

from assessment import selectors
from assessment.forms import AcceptInvitationForm, InviteForm, RequireTwoFactorForm, form_add_service_errors
from assessment.models import Invitation, Membership, Organisation, User
from assessment.services.permissions import Can, allowed_on_page, require_on_page
from assessment.services.single_sign_on import single_sign_on_enabled
from assessment.services.teams import (
    invitation_accept,
    invitation_create,
    invitation_email_resend,
    invitation_get,
    invitation_link_for_inviter,
    membership_change_role,
    membership_remove,
)
from assessment.views import AuthenticatedHttpRequest
from assessment.views.single_sign_on import allow_forms_to_identity_providers


def _organisation_for(request: AuthenticatedHttpRequest, pk: int) -> Organisation:
    return get_object_or_404(selectors.organisations_for_user(user=request.user), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def team(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation_for(request, pk)
    can = allowed_on_page(request, organisation)
    is_admin, can_invite = Can.MANAGE_MEMBERS in can, Can.INVITE in can
    form = InviteForm(request.POST if request.method == "POST" else None, allow_admin=is_admin)
    if request.method == "POST":
        require_on_page(request, organisation, action=Can.INVITE)
        if form.is_valid():
            email, role = form.cleaned_data["email"], form.cleaned_data["role"]
            try:
                invitation = invitation_create(
                    organisation=organisation,
                    invited_by=request.user,
                    email=email,
                    role=role,
                    base_url=request.build_absolute_uri("/"),
                )
            except (ValidationError, PermissionDenied) as error:
                form_add_service_errors(
                    form, error if isinstance(error, ValidationError) else ValidationError(str(error))
                )
            else:
                _say_how_the_email_went(request, invitation)
                return redirect("team", pk=organisation.pk)
    return render(
        request,
        "team/team.html",
        {
            "organisation": organisation,
            "members": selectors.council_members(organisation=organisation),
            "invitations": selectors.pending_invitations(organisation=organisation) if can_invite else [],
            "support_events": selectors.support_events(organisation=organisation),
            "single_sign_on": single_sign_on_enabled(organisation) if is_admin else None,
            "two_factor_form": RequireTwoFactorForm(initial={"required": organisation.requires_two_factor}),
            "roles": Membership.Role.choices,
            "is_admin": is_admin,
            "can_invite": can_invite,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _say_how_the_email_went(request: HttpRequest, invitation: Invitation) -> None:
    invitation.refresh_from_db(fields=["email_status"])  # sent already where tasks run inline
    email = invitation.email
    if invitation.email_status == Invitation.Email.SENT:
        messages.success(request, f"An invitation has been emailed to {email}.")
    elif invitation.email_status == Invitation.Email.FAILED:
        messages.warning(
            request,
            f"The invitation for {email} is saved, but the email could not be sent. Send it again from the list "
            "of invitations below, or get a link there to send them yourself.",
        )
    else:
        messages.success(request, f"An invitation is being emailed to {email}. The list below says when it has gone.")


@login_required
@require_POST
def invitation_resend(request: AuthenticatedHttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    """ "Send again", or "Get a link to send yourself" (a new link, shown once), for a pending invitation."""
    organisation = _organisation_for(request, pk)
    invitation = get_object_or_404(Invitation, pk=invitation_pk, organisation=organisation)
    base_url = request.build_absolute_uri("/")
    try:
        if request.POST.get("how") == "link":
            link = invitation_link_for_inviter(invitation=invitation, user=request.user, base_url=base_url)
            messages.info(
                request,
                f"Send {invitation.email} this link yourself. It works once and expires on "
                f"{dateformat.format(invitation.expires_at, 'j F Y')}; any link emailed before no longer works: {link}",
            )
        else:
            invitation = invitation_email_resend(invitation=invitation, user=request.user, base_url=base_url)
            _say_how_the_email_went(request, invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("team", pk=organisation.pk)


@login_required
@require_POST
def member_role(request: AuthenticatedHttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    organisation = _organisation_for(request, pk)
    membership = get_object_or_404(Membership, pk=membership_pk, organisation=organisation)
    try:
        membership_change_role(membership=membership, role=request.POST.get("role", ""), changed_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{membership.user.get_full_name()} is now {membership.get_role_display().lower()}.")
    return redirect("team", pk=organisation.pk)


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request: AuthenticatedHttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    organisation = _organisation_for(request, pk)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_pk, organisation=organisation
    )
    require_on_page(request, organisation, action=Can.MANAGE_MEMBERS)
    if request.method == "POST":
        try:
            membership_remove(membership=membership, removed_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{membership.user.get_full_name()} has been removed from {organisation.name}.")
        return redirect("team", pk=organisation.pk)
    return render(request, "team/remove.html", {"organisation": organisation, "membership": membership})


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_get(token=token)
    if invitation is None:
        return render(request, "team/invitation_invalid.html", status=404)
    has_account = User.objects.filter(email__iexact=invitation.email).exists()
    form = AcceptInvitationForm(request.POST if request.method == "POST" and not has_account else None)
    context = {
        "invitation": invitation,
        "has_account": has_account,
        "form": form,
        "single_sign_on": single_sign_on_enabled(invitation.organisation),
    }
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                invitation_accept(token=token, user=request.user)
            elif not has_account and form.is_valid():
                try:
                    user = invitation_accept(
                        token=token, full_name=form.cleaned_data["full_name"], password=form.cleaned_data["password1"]
                    )
                except ValidationError as error:
                    if "password" not in getattr(error, "error_dict", {}):
                        raise
                    form.add_error("password1", error.message_dict["password"])
                    return render(request, "team/invitation_accept.html", context, status=400)
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                return render(request, "team/invitation_accept.html", context, status=400)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return render(request, "team/invitation_accept.html", context, status=400)
        messages.success(request, f"You have joined {invitation.organisation.name}.")
        return redirect("dashboard")
    response = render(request, "team/invitation_accept.html", context)
    return allow_forms_to_identity_providers(response) if context["single_sign_on"] else response
