/* gen_roster.c — see gen_roster.h. */
#include "gen_roster.h"

const char *const GEN_UNITS[] = {"SCLC", "CHE", "CAM", "TAP", "VHSA", NULL};

static const char *const GIVEN[] = {
    "José", "María", "Juan", "Guadalupe", "Francisco", "Verónica", "Jesús", "Ana Sofía", "Luis Ángel",
    "Sofía", "Miguel", "Ximena", "Martín", "Fernanda", "Ramón", "Inés", "Héctor", "Mónica", "Raúl", "Elena",
    "Joaquín", "Begoña", "Andrés", "Lucía", "Sebastián", "Patricia", "Íñigo", "Rocío", "Adrián", "Citlali",
    "Óscar", "Araceli", "Nicolás", "Itzel", "Tomás", "Yolanda", "Germán", "Zoé", "Iván", "Noemí",
};
static const char *const SURNAMES[] = {
    "Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez", "Ramírez",
    "Cruz", "Gómez", "Flores", "Morales", "Vázquez", "Jiménez", "Reyes", "Díaz", "Torres", "Gutiérrez",
    "Ruiz", "Mendoza", "Aguilar", "Ortiz", "Moreno", "Castillo", "Romero", "Álvarez", "Méndez", "Chávez",
    "Rivera", "Juárez", "Ramos", "Domínguez", "Herrera", "Medina", "Castro", "Vargas", "Guzmán", "Velázquez",
    "Muñoz", "Peña", "Íñiguez", "Núñez", "Ibáñez", "Ordóñez", "Zúñiga", "Quiñones", "Saldaña", "Pacheco",
    "Tzotzil", "Cancino", "Solís", "Espinosa", "Bautista", "Cárdenas", "Escobar", "Villaseñor", "Montaño",
};
static const char *const AREAS[] = {
    "Conservación de la Biodiversidad", "Agricultura, Sociedad y Ambiente", "Ciencias de la Sustentabilidad",
    "Salud", "Sociedad y Cultura", "Dirección General", "Recursos Humanos", "Recursos Financieros",
    "Biblioteca", "Posgrado", "Tecnologías de la Información", "Vinculación",
};
static const char *const POSITIONS[] = {
    "Investigador(a) titular", "Investigador(a) asociado(a)", "Técnico(a) académico(a)", "Jefe(a) de departamento",
    "Asistente administrativo(a)", "Analista", "Secretario(a)", "Coordinador(a)", "Auxiliar de laboratorio",
};

#define N(a) (sizeof(a) / sizeof *(a))

/* Small LCG: deterministic and portable across libcs. */
static unsigned next(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 8) & 0xffffff;
}

int gen_roster_write(FILE *f, int n, unsigned seed)
{
    unsigned s = seed ? seed : 1;
    /* Unit sizes like ECOSUR's: the headquarters is the largest. */
    static const int weight[] = {35, 20, 15, 15, 15};
    fprintf(f, "numero_empleado,nombre,primer_apellido,segundo_apellido,unidad,area,puesto,correo,activo\n");
    for (int i = 0; i < n; i++) {
        unsigned r = next(&s) % 100, acc = 0;
        int u = 0;
        while (u < 4 && r >= acc + (unsigned)weight[u])
            acc += (unsigned)weight[u++];
        const char *g = GIVEN[next(&s) % N(GIVEN)];
        const char *s1 = SURNAMES[next(&s) % N(SURNAMES)];
        const char *s2 = SURNAMES[next(&s) % N(SURNAMES)];
        const char *area = AREAS[next(&s) % N(AREAS)];
        const char *pos = POSITIONS[next(&s) % N(POSITIONS)];
        int active = next(&s) % 50 != 0; /* about 2 % have left */
        fprintf(f, "%d,%s,%s,%s,%s,\"%s\",\"%s\",p%d@ejemplo.mx,%s\n", 100001 + i, g, s1, s2, GEN_UNITS[u], area, pos,
                100001 + i, active ? "sí" : "no");
    }
    return ferror(f) ? -1 : 0;
}
