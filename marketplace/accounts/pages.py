"""Routes of login, logout, sign-up, invitations, the team page and the password page."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from wtforms import SelectChoice

from marketplace.accounts import account, invitations, sessions, team
from marketplace.accounts.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    CompanySignupForm,
    InvitationForm,
    LoginForm,
    SignupPasswordForm,
)
from marketplace.accounts.passwords import burn_time, hash_password, needs_rehash, verify_password
from marketplace.accounts.signup import (
    SIGNUP_LINK_MAX_AGE,
    CompanySignup,
    SignupLinkUnusable,
    open_signup,
    register_company,
    request_signup,
)
from marketplace.errors import DomainError
from marketplace.extensions import db, limiter
from marketplace.i18n import gettext as _
from marketplace.i18n import lazy_gettext as _l
from marketplace.models import Invitation, Role, User
from marketplace.web.access import get_own_or_404, public, roles
from marketplace.web.forms import (
    EmptyForm,
    municipality_choices,
    strip_control_characters,
)
from marketplace.web.navigation import home_url, safe_next
from marketplace.web.pagination import page_arg
from marketplace.web.transactions import saving

bp = Blueprint("auth", __name__)

ROLE_LABELS = {
    Role.EMPLOYER.value: _l("Employer"),
    Role.CONSULTANT.value: _l("Consultant"),
    Role.ADMIN.value: _l("Jobcentre admin"),
}


def _login_account_key() -> str:
    # A rate-limit key, computed before the view makes its form: the one raw read of a
    # POST, read as LoginForm reads it (control characters out), so "a\x00@b.dk" counts
    # against the same account as a@b.dk.
    typed = str(strip_control_characters(request.form.get("email") or ""))
    return "login-account:" + typed.strip().lower()[:254]


def _login_failed(response: object) -> bool:
    # A successful login redirects; everything else counts as a failed attempt.
    return getattr(response, "status_code", 200) != 302


def _per_account() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


def _per_address() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ADDRESS"]


def _signup_limit() -> str:
    return current_app.config["SIGNUP_LIMIT_PER_ADDRESS"]


def _password_change_key() -> str:
    return f"password-change:{getattr(current_user, 'id', None)}"


def _wrong_current_password(response: object) -> bool:
    # Only a wrong current password counts: a weak new one is not a guess.
    return bool(g.get("wrong_current_password"))


def _begin_login(user: User) -> None:
    # A fresh session at login: nothing carried over from before (fixation).
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    session.permanent = True
    sessions.start_session(user)
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(
    _per_account, key_func=_login_account_key, methods=["POST"], deduct_when=_login_failed
)
@limiter.limit(_per_address, methods=["POST"], deduct_when=_login_failed)
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.lower()
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            burn_time(form.password.data)
        if user is None or not verify_password(user.password_hash, form.password.data):
            form.form_errors.append(_("Wrong e-mail or password."))
        elif not user.active:
            form.form_errors.append(
                _(
                    "Your account has been deactivated. A colleague with access,"
                    " or your administrator, can reactivate it."
                )
            )
        else:
            with saving(form) as saved:
                if needs_rehash(user.password_hash):
                    user.password_hash = hash_password(form.password.data)
                _begin_login(user)
            if saved:
                return redirect(safe_next(request.args.get("next")) or home_url(user))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@roles(Role.EMPLOYER, Role.CONSULTANT, Role.ADMIN)
def logout() -> ResponseReturnValue:
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    with saving():
        sessions.end_session(current_user.session_token)
    logout_user()
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    flash(_("You are logged out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/signup", methods=["GET", "POST"])
@public
@limiter.limit(_signup_limit, methods=["POST"])
def signup() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = CompanySignupForm()
    form.municipality.choices = municipality_choices()
    if form.validate_on_submit():
        data = CompanySignup(
            company_name=form.company_name.data,
            cvr=form.cvr.data,
            address=form.address.data,
            postcode=form.postcode.data,
            city=form.city.data,
            municipality_code=form.municipality.data,
            employee_count=form.employee_count.data,
            name=form.name.data,
            email=form.email.data,
            locale=session.get("locale") or current_app.config["BABEL_DEFAULT_LOCALE"],
        )
        with saving(form) as saved:
            request_signup(data)
        if saved:
            # The same answer whether or not the address has an account (see signup.py).
            session["signup_email"] = data.email.strip().lower()
            return redirect(url_for("auth.signup_sent"))
    return render_template("accounts/signup.html", form=form)


@bp.get("/signup/sent")
@public
def signup_sent() -> ResponseReturnValue:
    email = session.get("signup_email")
    if not email:
        return redirect(url_for("auth.signup"))
    response = make_response(
        render_template("accounts/signup_sent.html", email=email, days=SIGNUP_LINK_MAX_AGE.days)
    )
    response.headers["Cache-Control"] = "no-store"  # it shows the address typed
    return response


@bp.route("/signup/confirm/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_signup_limit, methods=["POST"])
def signup_confirm(token: str) -> ResponseReturnValue:
    if current_user.is_authenticated:
        flash(_("Log out first to sign up another company."), "info")
        return redirect(home_url(current_user))
    try:
        data = open_signup(token)
    except SignupLinkUnusable as error:
        return render_template("accounts/signup_unusable.html", message=error.message), 410
    form = SignupPasswordForm()
    form.own_words = data.own_words
    if form.validate_on_submit():
        with saving(form) as saved:
            user = register_company(data, form.password.data)
            _begin_login(user)
        if isinstance(saved.error, SignupLinkUnusable):
            return render_template(
                "accounts/signup_unusable.html", message=saved.error.message
            ), 410
        if saved:
            flash(_("Welcome! Your company is registered."), "success")
            return redirect(home_url(user))
    return render_template("accounts/signup_confirm.html", form=form, signup=data)


def _kept(name: str) -> dict[str, int]:
    """The other list's page number, when one was chosen."""
    return {name: page_arg(name)} if name in request.args else {}


@bp.route("/team", methods=["GET", "POST"])
@roles(Role.EMPLOYER, Role.ADMIN)
def team_page() -> ResponseReturnValue:
    form = InvitationForm()
    allowed = invitations.INVITABLE_ROLES[current_user.role_enum]
    # Empty first: the role is chosen, never the first one by leaving the list alone.
    form.role.choices = [
        SelectChoice("", _("Choose a role")),
        *(SelectChoice(r.value, str(ROLE_LABELS[r.value])) for r in allowed),
    ]
    if len(allowed) == 1 and request.method == "GET":
        form.role.data = allowed[0].value
    if form.validate_on_submit():
        with saving(form) as saved:
            invitation = invitations.invite(
                current_user,
                form.email.data,
                form.name.data,
                Role(form.role.data),
                form.locale.data,
            )
        if saved:
            flash(_("Invitation sent to %(email)s.", email=invitation.email), "success")
            return redirect(url_for("auth.team_page"))
    return render_template(
        "accounts/team.html",
        form=form,
        # Two lists, each paged on its own: ?page= for the people, ?invitations= for the
        # invitations waiting; each link keeps the other list's page.
        members=team.members_page(current_user.organisation_id, page_arg()),
        pending=invitations.open_invitations(current_user.organisation_id, page_arg("invitations")),
        members_page_url=lambda number: url_for(
            "auth.team_page", **_kept("invitations"), page=number, _anchor="members-title"
        ),
        pending_page_url=lambda number: url_for(
            "auth.team_page", **_kept("page"), invitations=number, _anchor="pending-title"
        ),
        button=EmptyForm(),
        role_labels=ROLE_LABELS,
        invitation_days=current_app.config["INVITATION_MAX_AGE"].days,
    )


@bp.post("/team/invitations/<id:invitation_id>/revoke")
@roles(Role.EMPLOYER, Role.ADMIN)
def revoke_invitation(invitation_id: int) -> ResponseReturnValue:
    invitation = get_own_or_404(Invitation, invitation_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with saving() as saved:
        invitations.revoke(invitation)
    if saved:
        flash(_("The invitation to %(email)s is withdrawn.", email=invitation.email), "success")
    return redirect(url_for("auth.team_page"))


@bp.post("/team/members/<id:user_id>/<any(deactivate, reactivate):action>")
@roles(Role.EMPLOYER, Role.ADMIN)
def set_member_active(user_id: int, action: str) -> ResponseReturnValue:
    member = get_own_or_404(User, user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with saving() as saved:
        team.set_active(current_user, member, active=action == "reactivate")
    if saved:
        flash(
            _("%(name)s can log in again.", name=member.name)
            if member.active
            else _("%(name)s can no longer log in.", name=member.name),
            "success",
        )
    return redirect(url_for("auth.team_page"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_signup_limit, methods=["POST"])
def accept_invitation(token: str) -> ResponseReturnValue:
    try:
        invitation = invitations.open_invitation(token)
    except DomainError as error:
        return render_template("accounts/invitation_unusable.html", message=error.message), 410
    if current_user.is_authenticated:
        flash(_("Log out first to accept an invitation for someone else."), "info")
        return redirect(home_url(current_user))
    form = AcceptInvitationForm()
    form.own_words = (invitation.email, invitation.organisation.name)
    if request.method == "GET":
        form.name.data = invitation.name
    if form.validate_on_submit():
        with saving(form) as saved:
            user = invitations.accept(invitation, form.name.data, form.password.data)
            _begin_login(user)
        if isinstance(saved.error, invitations.InvitationUnusable):
            return render_template(
                "accounts/invitation_unusable.html", message=saved.error.message
            ), 410
        if saved:
            flash(_("Welcome to Småjob, %(name)s.", name=user.name), "success")
            return redirect(home_url(user))
    return render_template("accounts/accept_invitation.html", form=form, invitation=invitation)


@bp.route("/account/password", methods=["GET", "POST"])
@roles(Role.EMPLOYER, Role.CONSULTANT, Role.ADMIN)
@limiter.limit(
    _per_account,
    key_func=_password_change_key,
    methods=["POST"],
    deduct_when=_wrong_current_password,
)
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    form.own_words = account.own_words(current_user)
    if form.validate_on_submit():
        with saving(form) as saved:
            account.change_password(current_user, form.current_password.data, form.password.data)
        if saved.error is not None:
            g.wrong_current_password = isinstance(saved.error, account.WrongCurrentPassword)
        if saved:
            flash(
                _("Your password is changed. Any other place you were logged in is logged out."),
                "success",
            )
            return redirect(home_url(current_user))
    return render_template("accounts/change_password.html", form=form)
