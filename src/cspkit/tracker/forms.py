"""Forms of the tracker's pages. They validate input; services decide and write."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from cspkit.analysis.measures import BASELINE_RULES, MEASURE_SOURCES
from cspkit.tracker.jinja2_env import long_date
from cspkit.tracker.models import Agency, Person, Plan, Theme
from cspkit.tracker.models.registers import validate_measure_key
from cspkit.tracker.status import RagStatus
from cspkit.tracker.text import plain_text

MEASURE_SOURCE_WORDS = {
    source: word for source, word in zip(MEASURE_SOURCES, (
        "police.uk crime or anti-social behaviour", "Police crime extract",
        "Council anti-social behaviour cases", "Fire and rescue incidents",
        "A&E assault attendances", "Youth justice first-time entrants"), strict=True)
}
STATUS_CHOICES = [(status.value, f"{status.label}: {status.meaning}") for status in RagStatus]


class TextField(forms.CharField):
    """Free text of the tracker: cleaned by :func:`plain_text` before it is validated."""

    def to_python(self, value: Any) -> str:
        return plain_text(super().to_python(value))


def update_date_bounds(*, plan: Plan, today: date) -> tuple[date, date]:
    """The earliest and latest date a progress update to an item of ``plan`` may carry.

    Not in the future: a date ahead would hide an overdue action until then. Not before
    the plan started. The tracker keeps no record of which meetings have had a report, so
    nothing narrower can be said; the page shows when each update was entered, so a
    back-dated one is visible. An update written after the plan ended may carry the date
    it was written (the year-end update usually comes after the year).
    """
    return plan.period_start, today


class UpdateForm(forms.Form):
    """A progress update. ``version`` is the item's version when the form was opened."""

    status = forms.ChoiceField(
        label="Status",
        choices=STATUS_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the status this update gives."},
    )
    text = TextField(
        label="What has happened since the last update",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": "Enter what has happened since the last update."},
    )
    written_on = forms.DateField(
        label="Date of the update",
        help_text="Leave empty to use today's date.",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.earliest, self.latest = update_date_bounds(plan=plan, today=timezone.localdate())
        field = self.fields["written_on"]
        field.help_text = (
            f"Between {long_date(self.earliest)} (the start of the plan) and today. "
            "Leave empty to use today's date."
        )

    def clean_written_on(self) -> date | None:
        written_on = self.cleaned_data["written_on"]
        if written_on is not None and written_on > self.latest:
            raise ValidationError("The date of the update cannot be in the future.")
        if written_on is not None and written_on < self.earliest:
            raise ValidationError(
                f"The date of the update cannot be before the plan started on "
                f"{long_date(self.earliest)}."
            )
        return written_on

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError("Enter what has happened since the last update.")
        return text


class ActionFieldsForm(forms.Form):
    """What an administrator writes about an action (its status comes from updates)."""

    text = TextField(label="Action", widget=forms.Textarea(attrs={"rows": 4}))
    measure = TextField(
        label="Measure or target",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    due_date = forms.DateField(
        label="Due date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    leads = forms.ModelMultipleChoiceField(
        label="Action point leads",
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    lead_agencies = forms.ModelMultipleChoiceField(
        label="Lead agencies",
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, partnership_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leads"].queryset = Person.objects.filter(
            agency__partnership_id=partnership_id
        ).select_related("agency")
        self.fields["leads"].label_from_instance = lambda p: f"{p.full_name} ({p.agency})"
        self.fields["lead_agencies"].queryset = Agency.objects.filter(partnership_id=partnership_id)


class ActionEditForm(ActionFieldsForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ActionCreateForm(ActionFieldsForm):
    sub_actions = TextField(
        label="Sub-actions",
        help_text="One per line; they are lettered a), b), c) in order.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def clean_sub_actions(self) -> list[tuple[str, str]]:
        lines = [line.strip() for line in self.cleaned_data["sub_actions"].splitlines()]
        steps = [line for line in lines if line]
        if len(steps) > 26:
            raise ValidationError("An action can have at most 26 sub-actions (a to z).")
        return [(chr(ord("a") + index), step) for index, step in enumerate(steps)]


class MeasureForm(forms.Form):
    """An action's structured measure: what is counted, where, and what is aimed for."""

    label = TextField(label="Name of the measure", max_length=200,
                      help_text="For example: Burglary in the borough.")
    source = forms.ChoiceField(
        label="Data", choices=[(s, w) for s, w in MEASURE_SOURCE_WORDS.items()],
        widget=forms.Select(attrs={"class": "select"}))
    categories = TextField(
        label="Categories", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line: police.uk crime types (e.g. Burglary), or Anti-social "
        "behaviour alone. Leave empty to count all of the data.")
    areas = TextField(
        label="Area codes", widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line or separated by commas: a local authority (E06…), wards "
        "(E05…) or LSOAs (E01…).")
    direction = forms.ChoiceField(label="Aim", choices=[("reduce", "Reduce"),
                                                        ("increase", "Increase")],
                                  widget=forms.Select(attrs={"class": "select"}))
    target_percent = forms.FloatField(
        label="Target size in percent", required=False, min_value=0.1, max_value=100,
        help_text="Leave empty for a direction only.")
    months = forms.IntegerField(label="Months compared", min_value=1, max_value=36,
                                initial=12, help_text="The latest months against as many "
                                "months of the baseline.")
    baseline = forms.ChoiceField(
        label="Baseline", choices=[(k, v[0].upper() + v[1:]) for k, v in BASELINE_RULES.items()],
        widget=forms.Select(attrs={"class": "select"}))
    baseline_start = TextField(label="First month of a fixed baseline", required=False,
                               max_length=7, help_text="YYYY-MM, for a fixed baseline only.")

    def clean_categories(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["categories"].splitlines()
                if line.strip()]

    def clean_areas(self) -> list[str]:
        text = self.cleaned_data["areas"].replace(",", "\n")
        return [code.strip().upper() for code in text.splitlines() if code.strip()]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("baseline") == "fixed" and not data.get("baseline_start"):
            self.add_error("baseline_start", "Give the first month of the fixed baseline.")
        return data


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RecommendationToActionForm(VersionForm):
    """Make a recommendation a plan action. Shown on the recommendation's page beside the
    update form, so its fields take their own ids (``to_action_version``,
    ``to_action_theme``): a page holds each id once."""

    theme = forms.ModelChoiceField(
        label="Theme",
        queryset=Theme.objects.none(),
        empty_label="Choose a theme",
        widget=forms.Select(attrs={"class": "select"}),
    )

    def __init__(self, *args: Any, plan_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "to_action_%s")
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.filter(plan_id=plan_id)


class RecommendationCreateForm(forms.Form):
    reference = TextField(label="Reference", max_length=20, help_text="For example R7.")
    section = TextField(label="Section", max_length=200, required=False)
    theme = forms.ModelChoiceField(
        label="Theme",
        queryset=Theme.objects.none(),
        required=False,
        empty_label="No theme",
        widget=forms.Select(attrs={"class": "select"}),
    )
    text = TextField(label="Recommendation", widget=forms.Textarea(attrs={"rows": 4}))
    agencies = forms.ModelMultipleChoiceField(
        label="Agencies",
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    source = TextField(label="Source", max_length=200, help_text="The assessment that made it.")

    def __init__(self, *args: Any, plan_id: int, partnership_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.filter(plan_id=plan_id)
        self.fields["agencies"].queryset = Agency.objects.filter(partnership_id=partnership_id)


class DataRequirementCreateForm(forms.Form):
    reference = TextField(label="Reference", max_length=20, help_text="For example D6.")
    data_gap = TextField(label="Data gap", widget=forms.Textarea(attrs={"rows": 4}))
    lead_agencies = forms.ModelMultipleChoiceField(
        label="Lead agencies",
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    action = TextField(label="Action", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    quality_measure = TextField(
        label="Data-quality measure",
        max_length=200,
        required=False,
        help_text="The completeness that tracks this gap, as source.field, for example "
        "police_crime.last_outcome or council_asb.ethnicity (see the tracker guide).",
    )
    quality_threshold = forms.DecimalField(
        label="Target completeness (%)",
        required=False,
        min_value=0,
        max_value=100,
        max_digits=4,
        decimal_places=1,
        help_text="The measure is met when the latest month reaches it, for example 90.",
    )

    def __init__(self, *args: Any, partnership_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_agencies"].queryset = Agency.objects.filter(partnership_id=partnership_id)

    def clean_quality_measure(self) -> str:
        key = self.cleaned_data["quality_measure"]
        if key:
            validate_measure_key(key)
        return key

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("quality_threshold") is not None and not data.get("quality_measure"):
            self.add_error("quality_threshold", "Give the measure the target is for.")
        return data


class RegisterFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=[("", "Any status"), *[(s.value, s.label) for s in RagStatus]],
        required=False,
    )
    agency = forms.ModelChoiceField(
        label="Agency", queryset=Agency.objects.none(), required=False, empty_label="Any agency"
    )
    section = forms.ChoiceField(label="Section", choices=[("", "Any section")], required=False)
    q = TextField(label="Words", required=False, max_length=200)

    def __init__(
        self, *args: Any, agencies: Any, sections: list[str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        if sections is None:
            del self.fields["section"]
        else:
            self.fields["section"].choices = [("", "Any section"), *[(s, s) for s in sections]]


class SignInForm(AuthenticationForm):
    """Django's sign-in form, labelled for the tracker; django-axes throttles it."""

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Username"
        self.fields["password"].label = "Password"
