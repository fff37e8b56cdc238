"""Terminal adapter: the same conversation core the chat platforms use, rendered with rich."""
from __future__ import annotations

import getpass
import uuid

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from bot.conversation import Conversation
from bot.messages import Incoming, Reply, ReplyKind

STYLES = {ReplyKind.ANSWER: "green", ReplyKind.DECLINED: "yellow", ReplyKind.INVALID: "red", ReplyKind.HELP: "cyan",
          ReplyKind.RECORD: "blue", ReplyKind.OUT_OF_SCOPE: "magenta", ReplyKind.INFO: "cyan"}


def render(reply: Reply) -> Text:
    out = Text()
    if reply.preface:
        out.append(reply.preface + "\n", style="italic")
    if reply.kind is ReplyKind.ANSWER or (reply.kind is ReplyKind.INFO and reply.quotes):
        for n, quote in enumerate(reply.quotes, 1):
            if quote.context:
                out.append(quote.context + "\n", style="italic")
            out.append(f"“{quote.text}”", style="bold")
            out.append(f" [{n}]\n")
        out.append("\nSources\n", style="underline")
        for n, quote in enumerate(reply.quotes, 1):
            c = quote.citation
            out.append(f"[{n}] {c.label()} — {c.path}\n", style="dim")
    else:
        out.append(reply.text + "\n")
    for w in reply.warnings:
        out.append(f"⚠ {w}\n", style="yellow")
    if reply.confidence is not None:
        out.append(f"confidence {reply.confidence:.2f} · index {reply.index_version}\n", style="dim")
    if reply.actions:
        out.append("  ".join(f"[{a.label}]" for a in reply.actions), style="cyan")
    return out


def render_notification(note, recipient: str) -> Text:
    out = Text()
    out.append(f"→ message for {recipient}\n", style="bold magenta")
    out.append(note.text)
    if note.actions:
        out.append("\n" + "  ".join(f"[{a.label}]" for a in note.actions), style="cyan")
    return out


def chat_loop(conversation: Conversation, console: Console | None = None, input_fn=input,
              user: str | None = None) -> None:
    """``user`` is the email of the person chatting (``techserv chat --as EMAIL``) for record commands."""
    console = console or Console()
    user = user or getpass.getuser()
    console.print(Panel.fit("TechServ Assistant — terminal chat. Ask a practice question; "
                            "type 'help' for examples, 'quit' to leave.", style="cyan"))
    while True:
        try:
            line = input_fn("you> ")
        except (EOFError, KeyboardInterrupt):
            console.print()
            break
        if line.strip().lower() in {"quit", "exit", ":q"}:
            break
        msg = Incoming(text=line, user_id=user, platform="console", event_id=str(uuid.uuid4()))
        for reply in conversation.handle(msg):
            console.print(Panel(render(reply), border_style=STYLES.get(reply.kind, "white")))
            for note in reply.notifications:  # in a chat platform these go to the other person
                recipient = conversation.records.describe(note.person_id) if conversation.records else str(note.person_id)
                console.print(Panel(render_notification(note, recipient), border_style="magenta"))
