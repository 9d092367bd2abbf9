"""The /bind pages: a resident proves who they are (name + ID number, then an SMS code) on their phone.

Reached through the one-time link the chat sends (?t=...). The chat never sees the name, ID number,
phone or code; on success the chat identity in the link is bound to the member (verification/flow.py).
Each failure is shown as one message kind; the wording lives in templates/bind/.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Regexp

from service.verification_service import get_verifier
from verification.errors import (
    AttemptsExhausted,
    CodeExpired,
    CodeMismatch,
    IdentityMismatch,
    LinkExpired,
    LinkInvalid,
    LinkUsed,
    NoPendingCode,
    NoPhoneOnFile,
    SmsError,
    VerificationError,
)

bp = Blueprint("bind", __name__, url_prefix="/bind", template_folder="templates")

#: Failures that end the flow on this link: (message kind, HTTP status).
FATAL: dict[type[VerificationError], tuple[str, int]] = {
    LinkInvalid: ("link_invalid", 400),
    LinkExpired: ("link_expired", 410),
    LinkUsed: ("link_used", 410),
    AttemptsExhausted: ("attempts_exhausted", 429),
    NoPhoneOnFile: ("no_phone", 200),
    SmsError: ("sms_failed", 503),
}


class IdentityForm(FlaskForm):
    """Name and ID number (CSRF-protected)."""

    name = StringField(validators=[DataRequired(), Length(max=50)])
    id_number = StringField(validators=[DataRequired(), Regexp(r"^\s*[0-9]{17}[0-9Xx]\s*$")])


class CodeForm(FlaskForm):
    """The six-digit SMS code (CSRF-protected)."""

    code = StringField(validators=[DataRequired(), Regexp(r"^\s*[0-9]{6}\s*$")])


@bp.after_request
def private_page(response: Response) -> Response:
    """Never cache these pages, never leak the link in a Referer, never frame them."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
    )
    return response


@bp.context_processor
def limits() -> dict:
    """The lifetimes and the daily attempt limit, as the pages state them."""
    return {"limits": get_verifier(current_app).limits}


def _token() -> str:
    return request.args.get("t", "")


def _fatal(exc: VerificationError) -> tuple[str, int]:
    kind, status = next(v for cls, v in FATAL.items() if isinstance(exc, cls))
    return render_template("bind/problem.html", problem=kind), status


@bp.route("", methods=["GET", "POST"], endpoint="identity")
def identity_page():  # noqa: ANN201 - Flask view
    """Step 1: name and ID number; a match sends a code and moves on to step 2."""
    verifier = get_verifier(current_app)
    token = _token()
    form = IdentityForm()
    try:
        claims = verifier.open_link(token)
        if not form.validate_on_submit():
            problem = "format" if form.is_submitted() else None
            return render_template("bind/identity.html", form=form, token=token, problem=problem), (
                400 if form.is_submitted() else 200)
        verifier.submit_identity(token, form.name.data, form.id_number.data)
    except IdentityMismatch:
        left = verifier.attempts_left(claims.identity)
        return render_template("bind/identity.html", form=IdentityForm(formdata=None), token=token,
                               problem="identity_mismatch", remaining=left)
    except VerificationError as exc:
        return _fatal(exc)
    return redirect(url_for("bind.code", t=token))


@bp.route("/code", methods=["GET", "POST"], endpoint="code")
def code_page():  # noqa: ANN201 - Flask view
    """Step 2: the code sent to the phone on file; success binds the chat and says so."""
    verifier = get_verifier(current_app)
    token = _token()
    form = CodeForm()
    try:
        phone = verifier.pending_phone(token)
        if phone is None:
            return redirect(url_for("bind.identity", t=token))
        if not form.validate_on_submit():
            problem = "code_format" if form.is_submitted() else None
            return render_template("bind/code.html", form=form, token=token, phone=phone, problem=problem), (
                400 if form.is_submitted() else 200)
        verifier.submit_code(token, form.code.data)
    except CodeMismatch as exc:
        return render_template("bind/code.html", form=CodeForm(formdata=None), token=token, phone=phone,
                               problem="code_mismatch", remaining=exc.remaining)
    except (CodeExpired, NoPendingCode):
        return render_template("bind/code.html", form=CodeForm(formdata=None), token=token, phone=phone,
                               problem="code_expired")
    except VerificationError as exc:
        return _fatal(exc)
    return render_template("bind/done.html")
