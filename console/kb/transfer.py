"""Bulk import (a bad row stops the whole file, reported line by line) and export as .xlsx or .csv."""

from __future__ import annotations

from datetime import date

from flask import abort, render_template
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from werkzeug.wrappers import Response

from console.kb.blueprint import bp
from console.web import actor, audit, transaction
from knowledge.store.transfer import COLUMNS, FORMATS, ImportFileError, export_file, import_file

MIME = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv; charset=utf-8"}


class ImportForm(FlaskForm):
    file = FileField("文件", validators=[FileRequired("请选择文件"),
                                        FileAllowed(list(FORMATS), "只接受 .xlsx 或 .csv 文件")])


@bp.route("/import", methods=["GET", "POST"])
def import_entries() -> str | tuple[str, int]:
    """Upload a spreadsheet; every changed row becomes a version waiting for review."""
    form = ImportForm()
    context: dict = {"form": form, "columns": COLUMNS}
    if form.validate_on_submit():
        upload = form.file.data
        kind = upload.filename.rsplit(".", 1)[-1].lower()
        try:
            with transaction() as db:
                context["summary"] = import_file(db, upload.read(), kind, actor())
        except ImportFileError as exc:
            context["errors"] = exc.errors
            return render_template("kb/import.html", **context), 422
    elif form.is_submitted():
        context["errors"] = [message for messages in form.errors.values() for message in messages]
    return render_template("kb/import.html", **context)


@bp.get("/export.<kind>")
def export_entries(kind: str) -> Response:
    """The live entries as a spreadsheet (the import's format)."""
    if kind not in FORMATS:
        abort(404)
    with transaction() as db:
        data = export_file(db, kind)
        audit(db, "kb.export", "export", format=kind)
    name = f"knowledge-{date.today().isoformat()}.{kind}"
    return Response(data, mimetype=MIME[kind], headers={"Content-Disposition": f"attachment; filename={name}"})
