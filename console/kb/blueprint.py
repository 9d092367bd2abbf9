"""The knowledge-base editor's blueprint, shared by its page modules (views, review, transfer)."""

from __future__ import annotations

from console.web import console_blueprint

bp = console_blueprint("kb", __name__, url_prefix="/console/kb", roles=("editor", "admin"))

STATE_LABELS = {"draft": "草稿", "in_review": "待审核", "published": "已发布", "retired": "已停用"}

#: Why a workflow step was refused, as editors read it (knowledge.store.workflow error codes).
WORKFLOW_MESSAGES = {
    "not_editor": "只有编辑和管理员可以修改知识库。",
    "wrong_state": "条目当前的状态不允许这个操作。",
    "held_by_another": "另一位编辑正在修改这个条目，请等其提交或完成审核。",
    "self_review": "不能审核自己写的版本，请另一位编辑审核。",
    "gate_blocked": "发布被拦截：开发集 hit@3 会低于下限。请修改条目，或由管理员确认后强制发布。",
    "no_change": "内容与线上版本相同，没有需要保存的修改。",
}


@bp.app_template_filter("state_label")
def state_label(state: str) -> str:
    return STATE_LABELS.get(state, state)
