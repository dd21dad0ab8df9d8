// GCC 13's std::ios_base_library_init(), for libstdc++ 12 (see weaken_glibcxx_need.py):
// it only has to make sure the standard streams are set up, which ios_base::Init does.
#include <ios>

namespace std
{
void ios_base_library_init() { static ios_base::Init init; }
}
