"""The Excel round trip of an annual program: template → edited upload → preview → apply.

``template.program_template_build`` writes the workbook, ``read.workbook_read`` turns an
uploaded one into rows (or file / row errors), ``diff.changeset_build`` compares the rows
with the program (a constant number of queries) and ``apply.program_apply_upload``
applies the ChangeSet through the program services in one transaction.
"""
