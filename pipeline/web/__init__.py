"""The web layer of `huanjie serve`: pages that read and write the same YAML records the CLI does (issue 16).

It parses requests, calls the core (records, check, importer, render, batch) and maps domain errors to Chinese
messages; the core never imports it.
"""
