"""Activities as Teams sends them, for the federation's fictional test people."""

from __future__ import annotations

import copy
import itertools
from typing import Any

TENANT = "5c0f1e2a-7b3d-4e8f-9a1b-2c3d4e5f6a7b"
BOT_ID = "28:policy-helper"
# The staff team's General channel (a team's id is its General channel's).
STAFF_TEAM = "19:staffroom@thread.tacv2"

CARYS = {"id": "29:carys", "name": "Carys Jenkins", "aadObjectId": "a1000000-0000-4000-8000-000000000001"}
OWAIN = {"id": "29:owain", "name": "Owain Pritchard", "aadObjectId": "a1000000-0000-4000-8000-000000000002"}
SIAN = {"id": "29:sian", "name": "Siân Roberts", "aadObjectId": "a1000000-0000-4000-8000-000000000003"}
GARETH = {"id": "29:gareth", "name": "Gareth Hughes", "aadObjectId": "a1000000-0000-4000-8000-000000000004"}
FFION = {"id": "29:ffion", "name": "Ffion Morgan", "aadObjectId": "a1000000-0000-4000-8000-000000000005"}
# A guest from another organisation in the school's tenant (Teams lists her with userRole "guest": `as_guest`).
GUEST = {"id": "29:guest", "name": "Alex Visitor (Powys LA)", "aadObjectId": "b2000000-0000-4000-8000-0000000000aa"}

_ids = itertools.count(1)


def _base(user: dict[str, str], service_url: str, *, conversation_type: str, tenant: str,
          locale: str) -> dict[str, Any]:
    conversation_id = f"a:{conversation_type}-{user['id']}" if conversation_type == "personal" else "19:group"
    return {
        "id": f"act-{next(_ids)}",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": dict(user),
        "recipient": {"id": BOT_ID, "name": "Policy Helper"},
        "conversation": {"id": conversation_id, "conversationType": conversation_type, "tenantId": tenant},
        "channelData": {"tenant": {"id": tenant}},
        "locale": locale,
        "timestamp": "2026-11-24T09:00:00.000Z",
    }


def message(user: dict[str, str], text: str, service_url: str, *, conversation_type: str = "personal",
            tenant: str = TENANT, locale: str = "en-GB") -> dict[str, Any]:
    """A typed message."""
    activity = _base(user, service_url, conversation_type=conversation_type, tenant=tenant, locale=locale)
    activity.update({"type": "message", "text": text})
    return activity


def card_action(user: dict[str, str], verb: str, data: dict[str, Any], service_url: str, *,
                conversation_type: str = "personal", tenant: str = TENANT, locale: str = "en-GB",
                reply_to_id: str = "") -> dict[str, Any]:
    """An `Action.Execute` click, as Teams sends it (an invoke named adaptiveCard/action)."""
    activity = _base(user, service_url, conversation_type=conversation_type, tenant=tenant, locale=locale)
    activity.update({
        "type": "invoke", "name": "adaptiveCard/action",
        "value": {"action": {"type": "Action.Execute", "verb": verb, "data": data}, "trigger": "manual"},
    })
    if reply_to_id:
        activity["replyToId"] = reply_to_id
    return activity


FILE_DOWNLOAD_INFO = "application/vnd.microsoft.teams.file.download.info"


def file_message(user: dict[str, str], service_url: str, *, name: str, download_url: str, file_type: str = "docx",
                 unique_id: str = "1E5A3B2C-7D4F-4A8B-9C6D-0E1F2A3B4C5D", **kwargs: Any) -> dict[str, Any]:
    """A file sent to the bot in a 1:1 chat, as Teams sends it: a file.download.info attachment whose content has
    a short-lived pre-authorised `downloadUrl`, beside the text/html attachment Teams adds."""
    activity = message(user, "", service_url, **kwargs)
    activity["attachments"] = [
        {"contentType": FILE_DOWNLOAD_INFO,
         "contentUrl": f"https://llanidloes.sharepoint.com/personal/files/{name}",
         "name": name,
         "content": {"downloadUrl": download_url, "uniqueId": unique_id, "fileType": file_type}},
        {"contentType": "text/html", "content": "<div><div></div></div>"},
    ]
    return activity


def install(user: dict[str, str], service_url: str, *, locale: str | None = None) -> dict[str, Any]:
    """The conversationUpdate Teams sends when a person adds the bot: the sender carries no name, and the activity no
    locale (a Teams limitation; the installationUpdate sent beside it has one)."""
    activity = _base({"id": user["id"], "aadObjectId": user["aadObjectId"]}, service_url,
                     conversation_type="personal", tenant=TENANT, locale=locale or "")
    activity.update({"type": "conversationUpdate", "membersAdded": [{"id": BOT_ID}]})
    if locale is None:
        del activity["locale"]
    return activity


def installation_update(user: dict[str, str], service_url: str, *, locale: str = "en-GB", action: str = "add",
                        conversation_type: str = "personal") -> dict[str, Any]:
    """The installationUpdate Teams sends beside the conversationUpdate when a person adds the bot ("add"), updates
    it ("add-upgrade") or removes it ("remove"), for themselves or (`conversation_type` "groupChat") to a group chat:
    it carries the locale of their Teams, and no name."""
    activity = _base({"id": user["id"], "aadObjectId": user["aadObjectId"]}, service_url,
                     conversation_type=conversation_type, tenant=TENANT, locale=locale)
    activity.update({"type": "installationUpdate", "action": action,
                     "entities": [{"type": "clientInfo", "locale": locale, "country": "GB", "platform": "Web"}]})
    activity["channelData"]["source"] = {"name": "message"}
    return activity


def in_team(activity: dict[str, Any]) -> dict[str, Any]:
    """The activity as Teams sends it in the staff team's General channel."""
    activity = copy.deepcopy(activity)
    activity["conversation"] = {"id": STAFF_TEAM, "conversationType": "channel",
                                "tenantId": activity["conversation"]["tenantId"], "isGroup": True}
    activity["channelData"].update({"team": {"id": STAFF_TEAM, "name": "Staff room"}, "channel": {"id": STAFF_TEAM}})
    return activity


def as_a_member(user: dict[str, str], role: str) -> dict[str, Any]:
    """The person as Teams' member lookup answers for them: `role` is their userRole ("user", or "guest" for a guest
    from another organisation)."""
    return {**user, "userRole": role, "tenantId": TENANT, "userPrincipalName": f"{user['id'][3:]}@example.org"}
