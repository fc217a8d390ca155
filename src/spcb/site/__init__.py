"""The site stage: executing the notebooks, building the site with Jupyter Book, the archive, the PDF and
verification."""
