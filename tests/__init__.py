from . import test_benchmark
from . import test_concurrency
from . import test_faults
from . import test_invoice_send
from . import test_multi_company
from . import test_neutralize
from . import test_partner_enrolment
from . import test_settings
