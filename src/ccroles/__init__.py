"""ccroles: customer-center roles, permissions and the features they give.

The top level holds the names a portal developer, a test writer and a
documentation writer use (the API page lists them by reader): every type a
portal receives from them and every error the guides name. Every other
public name stays in its module (``from ccroles.passwords import
password_problems``). ``import ccroles`` loads none of the modules: a name is
imported from its module the first time it is used, so a portal that needs
only the engine never loads the renderers, the CSV import or the sign-in
store.

>>> from ccroles import CUSTOMER_CENTER, FEATURES
>>> buyer = CUSTOMER_CENTER.customize("Buyer", levels={"TRAN_CUSTPYMT": "None"})
>>> FEATURES.allows(buyer, "Make a Payment")
False
"""

# The one list of the top-level names: for each reader, each topic, the
# module that defines each name. The lazy loader below reads it, the type
# stub __init__.pyi is generated from it (`python -m ccroles._exports`), and
# the API page renders it (the `ccroles-exports` directive).
_EXPORTS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "portal developer": {
        "Roles and permissions": {
            "ccroles.roles": (
                "ADVANCED_CUSTOMER_CENTER",
                "BUILTIN_ROLES",
                "CUSTOMER_CENTER",
                "PREMIUM_CUSTOMER_CENTER",
                "Capability",
                "CenterType",
                "Role",
                "RoleCatalogue",
            ),
            "ccroles.permissions": ("PERMISSIONS", "Level", "Permission"),
            "ccroles.features": ("FEATURES", "Feature", "FeatureCatalogue"),
        },
        "Accounts": {
            "ccroles.accounts": ("Account",),
            "ccroles.customers": ("Contact", "Customer"),
            "ccroles.logins": ("Login", "LoginFacts"),
            "ccroles.account_rules": (
                "AccountProblem",
                "AccountRules",
                "account_problems",
            ),
            "ccroles.notifications": ("NotificationSettings",),
        },
        "The engine and its answers": {
            "ccroles.policy": ("Engine", "Preview"),
            "ccroles.records": ("OwnedRecord",),
            "ccroles.decisions": ("Decision", "FormAnswer", "Reason", "ReasonCode"),
            "ccroles.wording": ("customer_message", "explain"),
        },
        "Forms": {
            "ccroles.forms": (
                "Channel",
                "FormField",
                "FormPreferences",
                "Origin",
                "PrintingType",
                "RecordType",
                "SavedOrder",
                "TransactionForm",
            ),
            "ccroles.form_views": ("FormView", "role_form_view"),
        },
        "Access and passwords": {
            "ccroles.access_values": (
                "AssignPassword",
                "Grant",
                "Granted",
                "LoginId",
                "Revoked",
                "SendNotification",
            ),
            "ccroles.access": ("grant_access", "revoke_access", "set_password"),
            "ccroles.access_csv": ("import_access",),
            "ccroles.access_report": ("ImportReport", "render_report"),
            "ccroles.passwords": ("Password",),
        },
        "Signing in": {
            "ccroles.signin": ("Attempt", "Session", "SignIn", "SignInSettings"),
            "ccroles.signin_links": ("Link", "Redeemed"),
            "ccroles.signin_store": ("MemorySignInStore", "SignInStore"),
            "ccroles.signin_store_sqlite": ("SQLiteSignInStore",),
            "ccroles.signin_rules": ("LinkUse", "LoginState", "Reservation"),
            "ccroles.audit": ("AuditEvent",),
        },
        "Files": {
            "ccroles.formats": ("FileFormat",),
            "ccroles.serialization": (
                "load_account",
                "load_roles",
                "loads_account",
                "loads_roles",
            ),
            "ccroles.writing": (
                "dump_account",
                "dump_roles",
                "dumps_account",
                "dumps_roles",
            ),
        },
        "Errors": {
            "ccroles.exceptions": (
                "AdvancedPrintingForCustomerCenterError",
                "CCRolesError",
                "DataFileError",
                "DuplicateNameError",
                "EscalationError",
                "ExternalFormForInternalRoleError",
                "FormNotAllowedError",
                "InvalidFieldError",
                "InvalidIdError",
                "InvalidLevelError",
                "InvalidValueError",
                "LevelAboveRootError",
                "NoFormInEffectError",
                "NoLoginEmailError",
                "NonExternalFormForCustomerCenterError",
                "NotDescendedFromBuiltinError",
                "NotPermittedError",
                "OriginRoleMismatchError",
                "PasswordMismatchError",
                "SecondFactorNotAllowedError",
                "SignInStoreError",
                "UnknownFeatureError",
                "UnknownLoginError",
                "UnknownNameError",
                "UnknownReferenceError",
                "UnknownWebsiteError",
                "WeakPasswordError",
            ),
        },
    },
    "test writer": {
        "The feature matrix": {
            "ccroles.features": ("FeatureMatrix", "feature_matrix"),
        },
    },
    "documentation writer": {
        "Pages, tables and diffs": {
            "ccroles.render": (
                "OutputFormat",
                "RoleDiff",
                "diff_roles",
                "embed_matrix",
                "render_diff",
                "render_matrix",
                "render_role",
            ),
        },
    },
}

# Old top-level names, kept for one release: each the module and new name.
_RENAMED: dict[str, tuple[str, str]] = {
    "Format": ("ccroles.render", "OutputFormat"),
    "form_view": ("ccroles.form_views", "role_form_view"),
}

_MODULE_OF = {
    name: module
    for topics in _EXPORTS.values()
    for modules in topics.values()
    for module, names in modules.items()
    for name in names
}

__all__ = sorted(_MODULE_OF)  # noqa: PLE0605 (built from the table, once)


def __getattr__(name: str) -> object:
    """Import a top-level name from its module the first time it is used."""
    from importlib import import_module  # noqa: PLC0415 (only when a name is used)

    module = _MODULE_OF.get(name)
    if module is None:
        if name not in _RENAMED:
            message = f"module 'ccroles' has no attribute {name!r}"
            raise AttributeError(message, name=name, obj=__name__)
        from ccroles._deprecation import warn_renamed  # noqa: PLC0415 (rarely)

        module, new = _RENAMED[name]
        warn_renamed(f"ccroles.{name}", f"ccroles.{new}")
        return getattr(import_module(module), new)
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's own names and every top-level name, imported or not."""
    return sorted({*globals(), *__all__})
