"""The Teams app package: manifest, Welsh localisation, icons, and the build that validates them."""
