"""Refresh the English catalog from the templates and code (run from the repository root):

    .venv/bin/pybabel extract -F web/babel.cfg -k N_ --no-location --omit-header \
        --sort-output -o web/translations/messages.pot web
    .venv/bin/pybabel update -i web/translations/messages.pot -d web/translations -l en \
        --no-fuzzy-matching --omit-header

Then fill the new `msgstr ""` entries in en/LC_MESSAGES/messages.po. The app compiles the .po
files in memory when it starts (web/i18n.py); no .mo files are kept.
"""
