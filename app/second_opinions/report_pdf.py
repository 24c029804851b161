"""A final second-opinion report as a PDF the requester can file or print."""

from fpdf import FPDF

from app.second_opinions.schemas import FinalReport, SecondOpinionRequestView

TITLE = "Second-opinion report"


def report_pdf(request: SecondOpinionRequestView, report: FinalReport) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(f"{TITLE} {request.id}")
    pdf.set_creator("Reading Worklist")
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=16)
    pdf.cell(text=TITLE, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    for label, value in _facts(request, report):
        _paragraph(pdf, label, value)
    for label, value in _sections(request, report):
        pdf.ln(2)
        pdf.set_font("Helvetica", style="B", size=12)
        pdf.cell(text=label, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        pdf.multi_cell(0, 5, text=_printable(value), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _facts(request: SecondOpinionRequestView, report: FinalReport) -> list[tuple[str, str]]:
    return [
        ("Request", str(request.id)),
        ("Requested by", f"{request.requester.organisation} ({request.requester.contact_name})"),
        ("Study Instance UID", request.study_instance_uid),
        ("Service level", request.service_level.value),
        ("Reader", f"{report.reader_name or 'unknown'}, {report.reader_subspecialty}"),
        ("Signed", report.signed_at.strftime("%d %b %Y %H:%M UTC")),
    ]


def _sections(request: SecondOpinionRequestView, report: FinalReport) -> list[tuple[str, str]]:
    sections = [
        ("Clinical question", request.clinical_question),
        ("Findings", report.findings or "None recorded."),
        ("Impression", report.impression),
    ]
    if report.concordance is not None:
        sections.append(("Compared with the outside report", report.concordance.value))
    for addendum in report.addenda:
        signed = addendum.signed_at.strftime("%d %b %Y %H:%M UTC")
        text = "\n".join(part for part in (addendum.findings, addendum.impression) if part)
        sections.append((f"Addendum, {signed}", text))
    return sections


def _paragraph(pdf: FPDF, label: str, value: str) -> None:
    pdf.multi_cell(0, 5, text=_printable(f"{label}: {value}"), new_x="LMARGIN", new_y="NEXT")


def _printable(text: str) -> str:
    """The core fonts cover Latin-1; anything beyond shows as "?" rather than failing the PDF."""
    return text.encode("latin-1", errors="replace").decode("latin-1")
