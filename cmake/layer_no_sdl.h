/* layer_no_sdl.h — force-included (-include) into every library of kiosk/
 * except the platform layer's (see "Layer guards" in the top
 * CMakeLists.txt). Poisoning names that <SDL.h> and <SDL_ttf.h> declare
 * makes including them, or calling SDL at all, an "attempt to use poisoned"
 * error. */
#pragma GCC poison SDL_Init SDL_CreateWindow SDL_PollEvent SDL_CreateRenderer TTF_Init
