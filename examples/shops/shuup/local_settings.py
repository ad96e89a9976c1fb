# Local settings for Shuup's own "shuup_workbench" project (loaded through LOCAL_SETTINGS_FILE).
# Only what journeyaudit needs: a database in the work folder, the testing app (pseudo payment
# provider), and mail delivered over SMTP to journeyaudit's sink.
import os


def configure(setup):
    work = os.environ["SHUUP_WORK"]
    setup.DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(work, "shop.sqlite3")}}
    setup.INSTALLED_APPS = list(setup.INSTALLED_APPS) + ["shuup.testing"]
    setup.MEDIA_ROOT = os.path.join(work, "media")
    setup.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    setup.EMAIL_HOST = "127.0.0.1"
    setup.EMAIL_PORT = int(os.environ.get("SHUUP_SMTP_PORT", "2526"))
    setup.EMAIL_TIMEOUT = 5
    setup.DEFAULT_FROM_EMAIL = "orders@shuup-demo.test"
    setup.DEBUG = False   # what a customer sees: Django's plain error pages (runserver --insecure serves static)
    setup.SHUUP_TELEMETRY_ENABLED = False
    setup.SHUUP_ENABLE_MULTIPLE_SHOPS = False
    setup.LOGGING = {"version": 1, "disable_existing_loggers": False}
