// gtest printers for the case table rows.
#include <gtest/gtest.h>

#include "test_util.hpp"

#include "../cases/filter_cases.h"
#include "../cases/parse_cases.h"
#include "../cases/precedence_cases.h"
#include "../cases/predict_cases.h"
#include "../cases/safety_cases.h"
#include "../cases/stock_cases.h"

void PrintTo(const vdp_stock_case &c, std::ostream *os)
{
	*os << "b33=" << int(c.b33) << " b32=" << int(c.b32) << " xen=" << int(c.xen)
	    << " restricted=" << int(c.restricted);
}

void PrintTo(const vdp_filter_bit_case &c, std::ostream *os)
{
	*os << vdp_gen_name(c.gen) << " bit " << int(c.bit) << " (" << c.why << ")";
}

void PrintTo(const vdp_predict_case &c, std::ostream *os)
{
	*os << c.name;
}

void PrintTo(const vdp_safety_case &c, std::ostream *os)
{
	*os << c.name;
}

void PrintTo(const vdp_parse_ok_case &c, std::ostream *os)
{
	*os << '"' << c.input << '"';
}

void PrintTo(const vdp_parse_err_case &c, std::ostream *os)
{
	*os << '"' << c.input << '"';
}

void PrintTo(const vdp_precedence_case &c, std::ostream *os)
{
	*os << c.name << ": " << c.rules;
}
