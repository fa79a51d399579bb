/*
 * Compiles every shared case table as freestanding C, the way a KUnit
 * suite includes them, and references each table so that nothing is
 * silently dropped.
 */
#include "../cases/filter_cases.h"
#include "../cases/parse_cases.h"
#include "../cases/precedence_cases.h"
#include "../cases/predict_cases.h"
#include "../cases/safety_cases.h"
#include "../cases/stock_cases.h"

unsigned long vdp_case_counts(void);
unsigned long vdp_case_counts(void)
{
	return VDP_STOCK_CASES_COUNT + VDP_FILTER_BIT_CASES_COUNT + VDP_PREDICT_CASES_COUNT +
	       VDP_SAFETY_CASES_COUNT + VDP_PARSE_OK_CASES_COUNT + VDP_PARSE_ERR_CASES_COUNT +
	       VDP_PRECEDENCE_CASES_COUNT;
}
