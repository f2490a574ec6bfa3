"""What every output shares: xlsx styles, the docx builder, the Word template sandbox
(docxtpl in a limited Jinja environment) and PDF conversion, the LibreOffice runner and the
limits on the Office archives the product opens. Sits above the engine and below the tools
(registers, documents, training, bsc, cis), so any of them may use it."""
