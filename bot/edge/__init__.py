"""The Teams edge: the only package (with app.py) that imports botbuilder."""
