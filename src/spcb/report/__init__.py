"""The report stage: a page's context, the pages and panels composed from it, charts and tables as a reader
sees them, and the only module that talks to IPython (`output`)."""
