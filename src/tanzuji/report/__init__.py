"""The CFP study report (ISO 14067 7.3 / GB/T 24067-2024), HTML and PDF, in zh and en.

``render.render_html`` / ``render.render_pdf`` build it from a StudyResult and its Study;
``pdf.html_to_pdf`` renders any HTML document with the embedded Chinese font.
"""
