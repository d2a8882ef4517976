from . import l10n_fr_aici_activity_mixin
from . import l10n_fr_aici_exchange
from . import l10n_fr_aici_payment_request
from . import account_move
from . import product_template
from . import res_company
from . import res_config_settings
from . import res_partner
