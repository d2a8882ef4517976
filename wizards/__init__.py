from . import l10n_fr_aici_enrolment_wizard
from . import l10n_fr_aici_attestation_wizard
from . import l10n_fr_aici_attestation_wizard_line
from . import l10n_fr_aici_exclude_wizard
