from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import TemplateView

from assessment.forms import GovukSetPasswordForm
from assessment.views import (
    accounts,
    assessments,
    cycles,
    dashboard,
    health,
    results,
    review,
    sector,
    single_sign_on,
    team,
    themes,
    two_factor,
)

admin.site.site_header = "Digital maturity: administration"
admin.site.site_title = "Digital maturity administration"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("assessments/new/", assessments.assessment_new, name="assessment_new"),
    path("assessments/<int:pk>/", assessments.assessment_task_list, name="assessment_task_list"),
    path("assessments/<int:pk>/themes/<slug:theme_key>/", themes.theme_answer, name="theme_answer"),
    path("assessments/<int:pk>/answers/autosave/", themes.answer_autosave, name="answer_autosave"),
    path("assessments/<int:pk>/check/", assessments.assessment_check, name="assessment_check"),
    path("assessments/<int:pk>/submitted/", assessments.assessment_submitted, name="assessment_submitted"),
    path("assessments/<int:pk>/results/", results.assessment_results, name="assessment_results"),
    path("assessments/<int:pk>/report.pdf", results.assessment_report_pdf, name="assessment_report_pdf"),
    path("assessments/<int:pk>/export/<slug:kind>.<slug:fmt>", results.assessment_export, name="assessment_export"),
    path("assessments/<int:pk>/targets/", results.assessment_targets, name="assessment_targets"),
    path(
        "assessments/<int:pk>/targets/<slug:theme_key>/",
        results.assessment_question_targets,
        name="assessment_question_targets",
    ),
    path("assessments/<int:pk>/assignments/", review.assessment_assignments, name="assessment_assignments"),
    path("assessments/<int:pk>/review/", review.assessment_review, name="assessment_review"),
    path("assessments/<int:pk>/review/<slug:theme_key>/return/", review.theme_return_view, name="theme_return"),
    path("assessments/<int:pk>/review/<slug:theme_key>/accept/", review.theme_accept_view, name="theme_accept"),
    path("assessments/<int:pk>/sign-off/", review.assessment_sign_off_view, name="assessment_sign_off"),
    path("assessments/<int:pk>/reopen/", review.assessment_reopen_view, name="assessment_reopen"),
    path("assessments/<int:pk>/questions/<int:question_id>/history/", review.answer_history, name="answer_history"),
    path("assessments/<int:pk>/questions/<int:question_id>/evidence/", cycles.evidence_items, name="evidence_items"),
    path(
        "assessments/<int:pk>/evidence/<int:item_id>/delete/", cycles.evidence_item_delete, name="evidence_item_delete"
    ),
    path("assessments/<int:pk>/next-cycle/", cycles.assessment_next_cycle, name="assessment_next_cycle"),
    path("assessments/<int:pk>/actions/", cycles.assessment_actions, name="assessment_actions"),
    path("assessments/<int:pk>/actions/<int:action_id>/status/", cycles.action_status, name="action_status"),
    path("councils/<int:pk>/team/", team.team, name="team"),
    path("councils/<int:pk>/two-factor/", two_factor.organisation_two_factor, name="organisation_two_factor"),
    path("councils/<int:pk>/team/<int:membership_pk>/role/", team.member_role, name="member_role"),
    path("councils/<int:pk>/team/<int:membership_pk>/remove/", team.member_remove, name="member_remove"),
    path("councils/<int:pk>/invitations/<int:invitation_pk>/resend/", team.invitation_resend, name="invitation_resend"),
    path("invitations/<str:token>/", team.invitation_accept_view, name="invitation_accept"),
    path("sector/", sector.sector_view, name="sector"),
    path("sector/medians.csv", sector.sector_csv, name="sector_csv"),
    path("accounts/sign-in/", accounts.SignInView.as_view(), name="login"),
    path("accounts/single-sign-on/", single_sign_on.single_sign_on_start, name="sso_start"),
    path("accounts/single-sign-on/callback/", single_sign_on.single_sign_on_callback, name="sso_callback"),
    path("accounts/sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password-reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/session/keep-alive/", accounts.session_keep_alive, name="session_keep_alive"),
    path("accounts/two-factor/code/", two_factor.two_factor_verify_view, name="two_factor_verify"),
    path("accounts/two-factor/set-up/", two_factor.two_factor_setup_view, name="two_factor_setup"),
    path("accounts/security/", two_factor.sign_in_security, name="sign_in_security"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=GovukSetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accessibility/", TemplateView.as_view(template_name="accessibility.html"), name="accessibility"),
    path("healthz", health.healthz, name="healthz"),
    path("admin/login/", accounts.admin_sign_in, name="admin_sign_in"),
    path("admin/", admin.site.urls),
]

handler404 = "assessment.views.errors.not_found"
handler403 = "assessment.views.errors.forbidden"
handler500 = "assessment.views.errors.server_error"
handler400 = "assessment.views.errors.bad_request"
