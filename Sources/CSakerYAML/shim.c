/* SwiftPM needs one C file per C target; libyaml itself comes from libyaml.a. */
#include "CSakerYAML.h"
