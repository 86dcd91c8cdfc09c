#ifndef CSAKER_YAML_H
#define CSAKER_YAML_H
/* libyaml, linked statically. Swift sees the parser API through this header. */
#include <yaml.h>
#endif
