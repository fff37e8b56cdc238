"""Settings from the environment (and an optional .env file): one object, passed down."""
from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TECHSERV_", env_file=".env", extra="ignore")

    knowledge_dir: Path = PROJECT_ROOT / "knowledge"
    var_dir: Path = PROJECT_ROOT / "var"
    model: str = Field("all-MiniLM-L6-v2", description="sentence-transformers model name or path")
    chunk_tokens: int = 200
    chunk_overlap: int = 40
    hnsw_threshold: int = 50_000
    keep_snapshots: int = 3

    # retrieval and answering
    candidates: int = 100
    # The answer model (bot/answering/answer_model.json) carries the answer/decline cut fitted on
    # tests/eval/questions.yaml with cross-validation (README › Answers); set this only to override it.
    min_confidence: float | None = Field(None, description="P(answerable) below which the assistant declines; "
                                         "default: the fitted model's threshold")
    max_answer_units: int = 3
    followup_seconds: float = Field(300, description="a short follow-up within this many seconds in the same "
                                    "thread is read against the previous question")
    max_question_chars: int = 2000
    timezone: str = "Europe/London"

    # training records: SQLite file by default, PostgreSQL via DATABASE_URL
    database_url_env: str | None = Field(None, validation_alias=AliasChoices("DATABASE_URL", "TECHSERV_DATABASE_URL"))

    # experts in the loop
    escalation_deadline_hours: float = 24
    require_second_expert: bool = False

    # running service (techserv serve)
    reindex_cron: str = Field("0 2 * * *", description="nightly re-index, in the `timezone` below")
    reminder_cron: str = "0 9 * * 1-5"
    reminder_after_days: int = 3
    health_port: int = 8080
    log_json: bool = Field(False, description="log JSON lines (one object per record) instead of text")

    # chat platforms (read by `techserv start` to decide what to run)
    slack_bot_token: str | None = Field(None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "TECHSERV_SLACK_BOT_TOKEN"))
    slack_app_token: str | None = Field(None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "TECHSERV_SLACK_APP_TOKEN"))
    slack_signing_secret: str | None = Field(
        None, validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "TECHSERV_SLACK_SIGNING_SECRET"))
    slack_team_id: str | None = Field(None, validation_alias=AliasChoices("SLACK_TEAM_ID", "TECHSERV_SLACK_TEAM_ID"),
                                      description="the installing workspace; requests from others are refused")
    slack_host: str = "0.0.0.0"
    slack_port: int = 3000
    microsoft_app_id: str | None = Field(None, validation_alias=AliasChoices("MicrosoftAppId", "MICROSOFT_APP_ID"))
    microsoft_app_password: str | None = Field(
        None, validation_alias=AliasChoices("MicrosoftAppPassword", "MICROSOFT_APP_PASSWORD"))
    microsoft_app_type: str = Field("MultiTenant", validation_alias=AliasChoices("MicrosoftAppType", "MICROSOFT_APP_TYPE"))
    microsoft_app_tenant_id: str | None = Field(
        None, validation_alias=AliasChoices("MicrosoftAppTenantId", "MICROSOFT_APP_TENANT_ID"))
    teams_allowed_tenants: str = Field("", description="comma-separated tenant ids; empty = the app's own tenant only "
                                       "when MicrosoftAppTenantId is set, otherwise any")
    teams_host: str = "0.0.0.0"
    teams_port: int = 3978
    teams_allow_unauthenticated: bool = Field(False, description="local Bot Framework Emulator only (127.0.0.1)")

    # the dashboard (techserv dashboard, and techserv serve): README › Dashboard
    dashboard_enabled: bool = Field(True, description="start the dashboard with techserv serve")
    dashboard_host: str = "0.0.0.0"
    dashboard_port: int = 8090
    dashboard_public_url: str | None = Field(None, description="the address people open, e.g. https://techserv.trust.nhs.uk "
                                             "(the OpenID Connect redirect URI is this + /auth/callback)")
    dashboard_secret: str | None = Field(None, description="signs session and CSRF cookies; set the same value on every "
                                         "replica (default: a new random one per process, so restarts sign people out)")
    dashboard_lead_scope: str = Field("site", description="what admins and leads see: site (their own) or all")
    dashboard_session_hours: float = 8
    dashboard_link_minutes: float = Field(15, description="lifetime of the one-time local sign-in link")
    dashboard_oidc_issuer: str | None = Field(None, description="e.g. https://login.microsoftonline.com/<tenant>/v2.0 "
                                              "or https://slack.com")
    dashboard_oidc_client_id: str | None = None
    dashboard_oidc_client_secret: str | None = None
    dashboard_oidc_name: str = Field("your organisation", description="shown on the sign-in button")
    dashboard_oidc_scopes: str = "openid email profile"
    dashboard_oidc_email_claim: str = Field("email", description="the ID-token claim holding the person's email")
    dashboard_oidc_token_auth: str = Field("client_secret_post", description="client_secret_post (Slack, Entra) or "
                                           "client_secret_basic")
    dashboard_oidc_pkce: bool = Field(True, description="send a PKCE challenge (RFC 7636) with the sign-in request")

    @property
    def dashboard_oidc_configured(self) -> bool:
        return bool(self.dashboard_oidc_issuer and self.dashboard_oidc_client_id and self.dashboard_oidc_client_secret)

    @property
    def database_url(self) -> str:
        return self.database_url_env or f"sqlite:///{self.var_dir / 'techserv.db'}"

    @property
    def verified_dir(self) -> Path:
        """Published verified answers, exported as Markdown for the indexer."""
        return self.var_dir / "verified"

    @property
    def index_dir(self) -> Path:
        return self.var_dir / "index"

    @property
    def cache_dir(self) -> Path:
        return self.var_dir / "cache" / "embeddings"

    @property
    def glossary_path(self) -> Path:
        return self.knowledge_dir / "glossary.yaml"

    @property
    def slack_configured(self) -> bool:
        return bool(self.slack_bot_token and (self.slack_app_token or self.slack_signing_secret))

    @property
    def teams_configured(self) -> bool:
        return bool(self.microsoft_app_id and self.microsoft_app_password) or self.teams_allow_unauthenticated

    @property
    def teams_tenants(self) -> set[str]:
        tenants = {t.strip() for t in self.teams_allowed_tenants.split(",") if t.strip()}
        return tenants or ({self.microsoft_app_tenant_id} if self.microsoft_app_tenant_id else set())
