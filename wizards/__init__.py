from . import aici_enrolment_wizard
