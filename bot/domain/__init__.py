"""The school's domain: people, records and rules. Imports no botbuilder, aiohttp, azure or msal."""
