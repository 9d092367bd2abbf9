"""GET/POST /console/lookup: find a member, show the masked record and check one situation (audited)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from console.lookup.forms import LookupForm
from console.lookup.queries import BadQuery, find_member_refs, masked_profile
from console.web import audit, console_blueprint, transaction
from members.eligibility.reply import render_reply
from members.errors import MembersError
from members.parse import ParseError, parse
from members.service import CheckRequest, check_member
from members.store import load_record

bp = console_blueprint("lookup", __name__, url_prefix="/console/lookup", roles=("agent", "admin"))

QUERY_PROBLEMS = {"id_number": "身份证号应为 18 位（最后一位可为 X）。", "member_id": "参保人编号只能包含字母、数字、- 和 _。"}


@bp.route("", methods=["GET", "POST"])
def index() -> str:
    """The form; on a valid POST the profile and the check (POST keeps ID numbers out of URLs and logs)."""
    form = LookupForm()
    context: dict = {"form": form}
    if not form.validate_on_submit():
        return render_template("lookup/index.html", **context)
    who, role, reason = current_user.username, current_user.role, form.reason.data.strip()
    try:
        request_data = parse(CheckRequest, {
            "check_date": form.check_date.data.isoformat(), "benefit_type": form.benefit_type.data,
            "facility_id": form.facility_id.data or None, "item_code": form.item_code.data or None,
            "disease_code": form.disease_code.data or None, "is_emergency": form.is_emergency.data})
        with transaction() as db:
            refs = find_member_refs(db, form.kind.data, form.value.data)
            audit(db, "member.lookup", reason, member_ref=refs[0] if refs else None, by=form.kind.data,
                  matches=len(refs), benefit_type=form.benefit_type.data)
            if refs:
                record = load_record(db, refs[0], who=who, role=role, reason=reason)
                context["profile"] = masked_profile(refs[0], record)
                context["others"] = len(refs) - 1
            result = check_member(db, refs[0] if refs else None, request_data, who=who, role=role, reason=reason)
            context["result"], context["reply"] = result, render_reply(result)
    except BadQuery as exc:
        context["error"] = QUERY_PROBLEMS[str(exc)]
    except ParseError as exc:
        context["error"] = "核验条件有误：" + "；".join(exc.errors)
    except MembersError as exc:
        context["error"] = f"查询失败：{exc}"
    return render_template("lookup/index.html", **context)
