"""The entry form: the fields of knowledge/entries/FORMAT.md, questions one per line."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from knowledge.entries import Entry, EntryError
from knowledge.store.transfer import entry_from_fields, field_problems

SCHEMES = ["通用", "职工医保", "城乡居民医保", "城镇居民医保", "新农合"]
TEXT_FIELDS = ("topic", "title", "region_code", "region_name", "scheme", "effective", "source_seed",
               "source_section", "questions", "answer")


class EntryForm(FlaskForm):
    topic = StringField("话题", validators=[Length(max=60)])
    title = StringField("标题", validators=[Length(max=200)])
    region_code = StringField("地区代码", validators=[Length(max=12)])
    region_name = StringField("地区", validators=[Length(max=100)], default="通用")
    scheme = SelectField("险种", choices=[SelectChoice(s) for s in SCHEMES], default="通用")
    effective = StringField("生效年份", validators=[Length(max=4)])
    source_seed = StringField("来源资料编号", validators=[Length(max=10)])
    source_section = StringField("来源章节", validators=[Length(max=200)])
    questions = TextAreaField("相似问（每行一条，至少 5 条）", validators=[Length(max=5000)])
    answer = TextAreaField("答案", validators=[Length(max=5000)])
    note = StringField("修改说明", validators=[Length(max=200)])

    def values(self) -> dict[str, str]:
        return {name: (getattr(self, name).data or "").strip() for name in TEXT_FIELDS}

    def fill(self, entry: Entry) -> None:
        """Show ``entry`` in the form."""
        self.topic.data, self.title.data, self.answer.data = entry.topic, entry.title, entry.answer
        self.region_code.data, self.region_name.data = entry.region_code or "", entry.region_name
        self.scheme.data, self.effective.data = entry.scheme, str(entry.effective or "")
        self.source_seed.data, self.source_section.data = entry.source_seed or "", entry.source_section or ""
        self.questions.data = "\n".join(entry.questions)

    def entry(self, entry_id: str) -> tuple[Entry | None, list[str]]:
        """The Entry the form describes, or the problems to fix."""
        values = self.values()
        if values["scheme"] not in SCHEMES:
            values["scheme"] = "通用"
        problems = field_problems(values)
        if problems:
            return None, problems
        try:
            return entry_from_fields(values, entry_id), []
        except EntryError as exc:
            return None, [str(exc).removeprefix("row: ")]
