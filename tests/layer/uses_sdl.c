/* uses_sdl.c — a source that includes <SDL.h>, built by the layer_* tests
 * with one layer's own compile flags (tests/CMakeLists.txt): it must fail
 * to build with ck_ui's, and build with ck_platform's. */
#include <SDL.h>

int layer_probe(void);

int layer_probe(void)
{
    return SDL_Init(0);
}
