"""Write side: department workbooks → normalized facts in the database (``python -m etl``)."""
