#pragma once
// The state/delta CRDT catalogue in one include.
#include "weft/types/aw_set.hpp"
#include "weft/types/delta.hpp"
#include "weft/types/dw_flag.hpp"
#include "weft/types/ew_flag.hpp"
#include "weft/types/gcounter.hpp"
#include "weft/types/gset.hpp"
#include "weft/types/lww_register.hpp"
#include "weft/types/mv_register.hpp"
#include "weft/types/or_map.hpp"
#include "weft/types/pncounter.hpp"
#include "weft/types/rw_set.hpp"
#include "weft/types/twop_set.hpp"
