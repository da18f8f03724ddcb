"""Reports built from the live data: monthly progress, quarterly indicators (SED), the
program document and the MIR, each as a page, an XLSX and a PDF."""
