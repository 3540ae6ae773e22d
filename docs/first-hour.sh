#!/usr/bin/env bash
# The first hour with Samen, as commands: install → community → poster → coordinator →
# first meeting → first export. Run it in an empty folder; it changes nothing outside it
# except the database DATABASE_URL names (default: ./samen.db). CI runs it (tests/cli).
#
#   pipx install /path/to/samen        # or: pip install /path/to/samen (see README)
#   export SAMEN_BOT_USERNAME=your_bot # the username @BotFather gave your bot
#   export MY_TELEGRAM_ID=123456789    # your numeric Telegram id: /whoami in a chat with the bot
#   bash docs/first-hour.sh
#
# SAMEN names the command to run (default: samen); CODE the community code to create.
set -euo pipefail

SAMEN="${SAMEN:-samen}"
CODE="${CODE:-buurthuis-oost}"
: "${SAMEN_BOT_USERNAME:?set SAMEN_BOT_USERNAME to the username of your bot}"
: "${MY_TELEGRAM_ID:?set MY_TELEGRAM_ID to your numeric Telegram id}"
step() { printf '\n== %s\n' "$*"; }

step "1. The installation: settings, database and catalogs (the bot's token is checked later)"
# A new database is created and migrated by the first command that needs it.
"$SAMEN" db upgrade
"$SAMEN" doctor --offline || true   # warnings are advice; read them once

step "2. The community, and the link people join with"
"$SAMEN" community create --name "Buurthuis Oost" --default-locale nl --code="$CODE"

step "3. The poster to print: the name, the QR code of that link, 'scan to join' in its languages"
# Run it again when members with other languages have joined: it adds theirs.
"$SAMEN" community poster --out poster.pdf -- "$CODE"

step "4. You, as the community's coordinator (by numeric id: usernames change)"
"$SAMEN" role grant --user-id "$MY_TELEGRAM_ID" --community="$CODE" --role coordinator
"$SAMEN" role list --community="$CODE"

step "5. The first meeting, from a file: checked first, then created, then a preview of who"
starts="$(date -d '+14 days' +%Y-%m-%d) 19:00"
cat > first-meeting.yaml <<YAML
community: $CODE
language: nl
starts: $starts
texts:
  nl:
    title: Kennismaken
    description: We drinken thee en maken kennis.
    place: Buurthuis Oost
  en:
    title: Getting to know each other
    description: We drink tea and get to know each other.
    place: Buurthuis Oost
questions: default
YAML
"$SAMEN" meeting create --check --file first-meeting.yaml
created="$("$SAMEN" meeting create --file first-meeting.yaml)"
echo "$created"
meeting="$(sed -n 's/^created meeting #\([0-9]*\).*/\1/p' <<<"$created")"
"$SAMEN" meeting list --community="$CODE"
"$SAMEN" meeting invite "$meeting"   # a preview; add --yes to queue the invitations

step "6. The first export: answers and RSVPs, with pseudonymous member codes"
mkdir -p exports
chmod 700 exports                    # exports hold personal data
"$SAMEN" export --community="$CODE" --format xlsx --out exports/
"$SAMEN" audit --limit 10            # every step above that changed something is here

step "Next: start the bot (samen run, or the systemd unit in docs/deploy.md), open"
echo "https://t.me/$SAMEN_BOT_USERNAME?start=$CODE and send /start."
