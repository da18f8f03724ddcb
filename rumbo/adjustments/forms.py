"""Forms of the approval and adjustment pages: they parse input; the services validate."""

from __future__ import annotations

from typing import Any

from django import forms

from rumbo.core.forms import set_choices
from rumbo.core.periods import MONTH_NAMES
from rumbo.programs.forms.program import AgreementForm

from .models import AdjustmentKind

MAX_DOCUMENT = 20 * 1024 * 1024


def clean_pdf(document: Any) -> Any:
    """An optional supporting document: a PDF of at most 20 MB."""
    if not document:
        return None
    if document.size > MAX_DOCUMENT:
        raise forms.ValidationError("El documento pasa de 20 MB.")
    head = document.read(5)
    document.seek(0)
    if head != b"%PDF-":
        raise forms.ValidationError("El documento debe ser un PDF.")
    return document


class ApprovalForm(AgreementForm):
    document = forms.FileField(label="Documento del acuerdo (PDF)", required=False)

    def clean_document(self) -> Any:
        return clean_pdf(self.cleaned_data.get("document"))


class StateForm(forms.Form):
    reason = forms.CharField(
        label="Motivo u observaciones", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ActivityAdjustmentForm(forms.Form):
    """A request about one activity: the kind, and the values proposed (prefilled with
    the ones in force)."""

    kind = forms.ChoiceField(
        label="Tipo de adecuación",
        choices=[
            (k.value, k.label)
            for k in (
                AdjustmentKind.CALENDARIO,
                AdjustmentKind.META_ANUAL,
                AdjustmentKind.DESCRIPCION,
                AdjustmentKind.BAJA,
            )
        ],
        widget=forms.RadioSelect,
    )
    annual_target = forms.CharField(label="Meta anual", required=False)
    description = forms.CharField(
        label="Descripción", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    unit = forms.CharField(label="Unidad de medida", required=False, max_length=120)
    justification = forms.CharField(
        label="Justificación",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Por qué cambia: queda en la solicitud, en la bitácora y en la versión.",
    )
    document = forms.FileField(label="Documento de soporte (PDF, opcional)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for month, name in enumerate(MONTH_NAMES, start=1):
            self.fields[f"m{month}"] = forms.CharField(
                label=name.capitalize(), required=False, max_length=30
            )

    @property
    def month_fields(self) -> list[forms.BoundField]:
        return [self[f"m{m}"] for m in range(1, 13)]

    def clean_document(self) -> Any:
        return clean_pdf(self.cleaned_data.get("document"))

    def months(self) -> list[str]:
        return [self.cleaned_data.get(f"m{m}") or "" for m in range(1, 13)]


class AltaForm(ActivityAdjustmentForm):
    """A new activity: where it hangs, its key, area and targets."""

    key = forms.CharField(label="Clave de la actividad nueva", max_length=30)
    node = forms.ChoiceField(label="Nivel del que cuelga")
    area = forms.ChoiceField(label="Área responsable", required=False)

    def __init__(
        self, *args: Any, nodes: list[tuple[str, str]], areas: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("kind")
        set_choices(self.fields["node"], nodes)
        set_choices(self.fields["area"], [("", "— La del nivel —"), *areas])
        self.fields["description"].required = True


class IndicatorAdjustmentForm(forms.Form):
    justification = ActivityAdjustmentForm.base_fields["justification"]
    document = forms.FileField(label="Documento de soporte (PDF, opcional)", required=False)

    def __init__(self, *args: Any, periods: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.periods = periods
        for number, label in periods:
            self.fields[f"t{number}"] = forms.CharField(label=label, required=False, max_length=30)

    @property
    def target_fields(self) -> list[forms.BoundField]:
        return [self[f"t{n}"] for n, _ in self.periods]

    def clean_document(self) -> Any:
        return clean_pdf(self.cleaned_data.get("document"))

    def targets(self) -> dict[str, str]:
        return {
            str(n): self.cleaned_data[f"t{n}"]
            for n, _ in self.periods
            if (self.cleaned_data.get(f"t{n}") or "").strip()
        }


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label="Motivo de la decisión",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Obligatorio para rechazar.",
    )


BUDGET_ROWS = 4  # rows of a new budget request; «Más filas» adds as many again
MAX_BUDGET_ROWS = 40


class BudgetRowForm(forms.Form):
    """One movement: side (traspaso), clave, partida, fuente, month and amount in pesos."""

    side = forms.ChoiceField(label="Lado", required=False)
    key = forms.ChoiceField(label="Clave programática", required=False)
    item = forms.ChoiceField(label="Partida", required=False)
    source = forms.ChoiceField(label="Fuente", required=False)
    month = forms.ChoiceField(
        label="Mes",
        required=False,
        choices=[("", "—"), *((str(m), n.capitalize()) for m, n in enumerate(MONTH_NAMES, 1))],
    )
    amount = forms.CharField(label="Importe ($)", required=False, max_length=30)

    def __init__(
        self,
        *args: Any,
        sides: list[tuple[str, str]],
        keys: list[tuple[str, str]],
        items: list[tuple[str, str]],
        sources: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["side"], sides)
        set_choices(self.fields["key"], [("", "—"), *keys])
        set_choices(self.fields["item"], [("", "—"), *items])
        set_choices(self.fields["source"], sources)

    @property
    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not (data.get("key") or data.get("item") or (data.get("amount") or "").strip())


class BudgetAdjustmentForm(forms.Form):
    """An adecuación presupuestaria: its rows (``rows``, a list of ``BudgetRowForm``),
    justification and supporting document."""

    justification = ActivityAdjustmentForm.base_fields["justification"]
    document = forms.FileField(label="Documento de soporte (PDF, opcional)", required=False)
    row_count = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        kind: str,
        keys: list[tuple[str, str]],
        items: list[tuple[str, str]],
        sources: list[tuple[str, str]],
        more: bool = False,
    ) -> None:
        super().__init__(data, files)
        # a preview needs none; the request's service asks for it (a clear message)
        self.fields["justification"].required = False
        self.fields[
            "justification"
        ].help_text = "Por qué se mueve el presupuesto: queda en la solicitud y en la bitácora."
        self.kind = kind
        sides = {
            AdjustmentKind.AMPLIACION: [("a", "A (se da)")],
            AdjustmentKind.REDUCCION: [("de", "De (se quita)")],
        }.get(AdjustmentKind(kind), [("de", "De (se quita)"), ("a", "A (se da)")])
        count = BUDGET_ROWS
        if data is not None:
            try:
                count = max(BUDGET_ROWS, min(int(data.get("row_count") or 0), MAX_BUDGET_ROWS))
            except ValueError:
                count = BUDGET_ROWS
            if more:
                count = min(count + BUDGET_ROWS, MAX_BUDGET_ROWS)
        self.rows = [
            BudgetRowForm(
                data,
                prefix=f"m{i}",
                sides=sides,
                keys=keys,
                items=items,
                sources=sources,
                initial={"side": "de" if i < count // 2 else "a"} if len(sides) > 1 else None,
            )
            for i in range(count)
        ]
        self.initial["row_count"] = count
        if data is not None:
            copied = data.copy()
            copied["row_count"] = str(count)
            self.data = copied

    def is_valid(self) -> bool:
        rows_ok = all(row.is_valid() for row in self.rows)
        return super().is_valid() and rows_ok

    def clean_document(self) -> Any:
        return clean_pdf(self.cleaned_data.get("document"))

    def filled(self) -> list[tuple[int, BudgetRowForm]]:
        """The rows with something written (position in the form, form)."""
        return [(i, row) for i, row in enumerate(self.rows) if not row.is_blank]
