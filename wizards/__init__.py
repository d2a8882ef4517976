from . import l10n_fr_aici_enrolment_wizard
