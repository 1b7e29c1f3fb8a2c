"""ccroles: customer-center roles, permissions and the features they give.

The top level holds the names a portal developer, a test writer and a
documentation writer use (the API page lists them by reader); every other
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

# Type checkers treat any name TYPE_CHECKING as true; at run time this one
# spares `import ccroles` the typing module.
TYPE_CHECKING = False
if TYPE_CHECKING:  # what type checkers and IDEs see; at run time, _EXPORTS
    from ccroles.access import grant_access as grant_access
    from ccroles.access import revoke_access as revoke_access
    from ccroles.access import set_password as set_password
    from ccroles.access_csv import import_access as import_access
    from ccroles.access_report import render_report as render_report
    from ccroles.access_values import AssignPassword as AssignPassword
    from ccroles.access_values import Grant as Grant
    from ccroles.access_values import LoginId as LoginId
    from ccroles.access_values import SendNotification as SendNotification
    from ccroles.accounts import Account as Account
    from ccroles.accounts import Contact as Contact
    from ccroles.accounts import Customer as Customer
    from ccroles.accounts import Login as Login
    from ccroles.accounts import LoginFacts as LoginFacts
    from ccroles.accounts import NotificationSettings as NotificationSettings
    from ccroles.accounts import account_problems as account_problems
    from ccroles.decisions import Decision as Decision
    from ccroles.decisions import Reason as Reason
    from ccroles.decisions import ReasonCode as ReasonCode
    from ccroles.decisions import explain as explain
    from ccroles.exceptions import CCRolesError as CCRolesError
    from ccroles.exceptions import DataFileError as DataFileError
    from ccroles.exceptions import DuplicateNameError as DuplicateNameError
    from ccroles.exceptions import EscalationError as EscalationError
    from ccroles.exceptions import FormNotAllowedError as FormNotAllowedError
    from ccroles.exceptions import InvalidValueError as InvalidValueError
    from ccroles.exceptions import PasswordMismatchError as PasswordMismatchError
    from ccroles.exceptions import UnknownLoginError as UnknownLoginError
    from ccroles.exceptions import UnknownNameError as UnknownNameError
    from ccroles.exceptions import WeakPasswordError as WeakPasswordError
    from ccroles.features import FEATURES as FEATURES
    from ccroles.features import Feature as Feature
    from ccroles.features import FeatureCatalogue as FeatureCatalogue
    from ccroles.features import FeatureMatrix as FeatureMatrix
    from ccroles.features import feature_matrix as feature_matrix
    from ccroles.formats import FileFormat as FileFormat
    from ccroles.forms import Channel as Channel
    from ccroles.forms import FormField as FormField
    from ccroles.forms import FormPreferences as FormPreferences
    from ccroles.forms import Origin as Origin
    from ccroles.forms import PrintingType as PrintingType
    from ccroles.forms import RecordType as RecordType
    from ccroles.forms import SavedOrder as SavedOrder
    from ccroles.forms import TransactionForm as TransactionForm
    from ccroles.forms import form_view as form_view
    from ccroles.passwords import Password as Password
    from ccroles.permissions import PERMISSIONS as PERMISSIONS
    from ccroles.permissions import Level as Level
    from ccroles.permissions import Permission as Permission
    from ccroles.policy import Engine as Engine
    from ccroles.policy import OwnedRecord as OwnedRecord
    from ccroles.policy import Preview as Preview
    from ccroles.render import Format as Format
    from ccroles.render import diff_roles as diff_roles
    from ccroles.render import embed_matrix as embed_matrix
    from ccroles.render import render_diff as render_diff
    from ccroles.render import render_matrix as render_matrix
    from ccroles.render import render_role as render_role
    from ccroles.roles import ADVANCED_CUSTOMER_CENTER as ADVANCED_CUSTOMER_CENTER
    from ccroles.roles import BUILTIN_ROLES as BUILTIN_ROLES
    from ccroles.roles import CUSTOMER_CENTER as CUSTOMER_CENTER
    from ccroles.roles import PREMIUM_CUSTOMER_CENTER as PREMIUM_CUSTOMER_CENTER
    from ccroles.roles import Capability as Capability
    from ccroles.roles import CenterType as CenterType
    from ccroles.roles import Role as Role
    from ccroles.roles import RoleCatalogue as RoleCatalogue
    from ccroles.serialization import load_account as load_account
    from ccroles.serialization import load_roles as load_roles
    from ccroles.serialization import loads_account as loads_account
    from ccroles.serialization import loads_roles as loads_roles
    from ccroles.signin import Session as Session
    from ccroles.signin import SignIn as SignIn
    from ccroles.signin import SignInSettings as SignInSettings
    from ccroles.signin_store import MemorySignInStore as MemorySignInStore
    from ccroles.signin_store import SignInStore as SignInStore
    from ccroles.signin_store import SQLiteSignInStore as SQLiteSignInStore
    from ccroles.writing import dump_account as dump_account
    from ccroles.writing import dump_roles as dump_roles
    from ccroles.writing import dumps_account as dumps_account
    from ccroles.writing import dumps_roles as dumps_roles

# Each top-level name and the module that defines it. A test checks that this
# table and the imports above name the same names from the same modules.
_EXPORTS: dict[str, tuple[str, ...]] = {
    "ccroles.access": ("grant_access", "revoke_access", "set_password"),
    "ccroles.access_csv": ("import_access",),
    "ccroles.access_report": ("render_report",),
    "ccroles.access_values": (
        "AssignPassword",
        "Grant",
        "LoginId",
        "SendNotification",
    ),
    "ccroles.accounts": (
        "Account",
        "Contact",
        "Customer",
        "Login",
        "LoginFacts",
        "NotificationSettings",
        "account_problems",
    ),
    "ccroles.decisions": ("Decision", "Reason", "ReasonCode", "explain"),
    "ccroles.exceptions": (
        "CCRolesError",
        "DataFileError",
        "DuplicateNameError",
        "EscalationError",
        "FormNotAllowedError",
        "InvalidValueError",
        "PasswordMismatchError",
        "UnknownLoginError",
        "UnknownNameError",
        "WeakPasswordError",
    ),
    "ccroles.features": (
        "FEATURES",
        "Feature",
        "FeatureCatalogue",
        "FeatureMatrix",
        "feature_matrix",
    ),
    "ccroles.formats": ("FileFormat",),
    "ccroles.forms": (
        "Channel",
        "FormField",
        "FormPreferences",
        "Origin",
        "PrintingType",
        "RecordType",
        "SavedOrder",
        "TransactionForm",
        "form_view",
    ),
    "ccroles.permissions": ("PERMISSIONS", "Level", "Permission"),
    "ccroles.passwords": ("Password",),
    "ccroles.policy": ("Engine", "OwnedRecord", "Preview"),
    "ccroles.render": (
        "Format",
        "diff_roles",
        "embed_matrix",
        "render_diff",
        "render_matrix",
        "render_role",
    ),
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
    "ccroles.serialization": (
        "load_account",
        "load_roles",
        "loads_account",
        "loads_roles",
    ),
    "ccroles.signin": ("Session", "SignIn", "SignInSettings"),
    "ccroles.signin_store": ("MemorySignInStore", "SQLiteSignInStore", "SignInStore"),
    "ccroles.writing": ("dump_account", "dump_roles", "dumps_account", "dumps_roles"),
}

_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = sorted(_MODULE_OF)  # noqa: PLE0605 (built from the table, once)


def __getattr__(name: str) -> object:
    """Import a top-level name from its module the first time it is used."""
    module = _MODULE_OF.get(name)
    if module is None:
        message = f"module 'ccroles' has no attribute {name!r}"
        raise AttributeError(message, name=name, obj=__name__)
    from importlib import import_module  # noqa: PLC0415 (only when a name is used)

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's own names and every top-level name, imported or not."""
    return sorted({*globals(), *__all__})
