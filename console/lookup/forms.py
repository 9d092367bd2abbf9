"""The lookup form: who, why, and the situation to check."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

BENEFITS = [
    ("outpatient_general", "普通门诊"), ("chronic_outpatient", "门诊慢特病"), ("inpatient", "住院"),
    ("pharmacy_personal_account", "药店刷个人账户"), ("special_item", "特殊检查/治疗"), ("maternity", "生育"),
    ("long_term_care", "长期护理"), ("catastrophic", "大病保险"), ("supplementary", "补充保险"),
]


class LookupForm(FlaskForm):
    kind = SelectField("查询方式", choices=[SelectChoice("member_id", "参保人编号"), SelectChoice("id_number", "身份证号")])
    value = StringField("编号或证件号", validators=[DataRequired("请输入参保人编号或身份证号"), Length(max=64)])
    reason = StringField("查询原因", validators=[DataRequired("请说明查询原因"), Length(min=4, max=200,
                                                 message="查询原因至少 4 个字")])
    benefit_type = SelectField("核验的待遇", choices=[SelectChoice(value, label) for value, label in BENEFITS])
    check_date = DateField("就医日期", default=date.today, validators=[DataRequired("请选择日期")])
    facility_id = StringField("定点机构编号", validators=[Optional(), Length(max=64)])
    item_code = StringField("药品/项目编码", validators=[Optional(), Length(max=40)])
    disease_code = StringField("病种编码", validators=[Optional(), Length(max=20)])
    is_emergency = BooleanField("急诊")
