// Console: the words caseworkers read in the web console, in Spanish and
// English. The bot's own texts for people live in `locales/`; these are for
// staff only, so they stay next to the views that use them. Placeholders are
// `{{name}}`, as in the locale files. Values are plain text: the views escape
// whatever `t` returns, so no string here may contain markup.

export const CONSOLE_LANGS = ["es", "en"] as const;
export type ConsoleLang = (typeof CONSOLE_LANGS)[number];
export const DEFAULT_CONSOLE_LANG: ConsoleLang = "es";

export function isConsoleLang(value: unknown): value is ConsoleLang {
  return typeof value === "string" && (CONSOLE_LANGS as readonly string[]).includes(value);
}

const en = {
  "app.title": "Caseworker console",
  "app.skip": "Skip to content",
  "app.langSwitch": "Español",
  "app.langSwitchLabel": "Cambiar a español",
  "app.signedInAs": "Signed in as {{name}}",
  "app.live": "Live",
  "app.offline": "Reconnecting…",

  "nav.label": "Main menu",
  "nav.queue": "Queue",
  "nav.dashboard": "Dashboard",
  "nav.logout": "Log out",

  "role.caseworker": "Caseworker",
  "role.supervisor": "Supervisor",

  "login.heading": "Sign in",
  "login.intro": "Use the name and password your organization gave you.",
  "login.name": "Name",
  "login.password": "Password",
  "login.submit": "Sign in",

  "status.waiting": "Waiting",
  "status.held": "In progress",
  "status.closed": "Closed",

  "priority.urgent": "Urgent",
  "priority.normal": "Normal",

  "reason.asked": "Asked for a person",
  "reason.safety": "Safety alert",
  "reason.urgent_complaint": "Urgent complaint",
  "reason.not_understood": "Bot did not understand",

  "channel.telegram": "Telegram",
  "channel.whatsapp": "WhatsApp",
  "channel.terminal": "Terminal (testing)",

  "language.es": "Spanish",
  "language.en": "English",
  "language.ht": "Haitian Creole",

  "field.status": "Status",
  "field.priority": "Priority",
  "field.reason": "Reason",
  "field.channel": "Channel",
  "field.language": "Language",
  "field.waiting": "Waiting",
  "field.since": "Since",
  "field.assignee": "Held by",
  "field.opened": "Opened",
  "field.firstReply": "First reply",
  "field.closed": "Closed",

  "filter.heading": "Filter",
  "filter.any": "All",
  "filter.apply": "Apply",
  "filter.clear": "Clear filters",

  "queue.heading": "Queue",
  "queue.count": "{{count}} tickets",
  "queue.empty": "No one is waiting. New tickets appear here on their own.",
  "queue.emptyFiltered": "No tickets match these filters.",
  "queue.longWait": "Waiting too long",
  "queue.unassigned": "Nobody yet",
  "queue.noPreview": "No message text",
  "queue.open": "Open ticket {{ref}}",

  "wait.lessThanMinute": "under 1 min",
  "wait.minutes": "{{minutes}} min",
  "wait.hours": "{{hours}} h {{minutes}} min",
  "wait.days": "{{days}} d {{hours}} h",

  "action.claim": "Take this ticket",
  "action.reply": "Send reply",
  "action.note": "Save note",
  "action.transfer": "Transfer",
  "action.close": "Close ticket",

  "ticket.heading": "Ticket {{ref}}",
  "ticket.back": "Back to queue",
  "ticket.requested": "The person asked for a person: the bot stays silent until this ticket is closed.",
  "ticket.alert": "Safety alert: {{alert}}",
  "ticket.transcript": "Conversation",
  "ticket.transcriptEmpty": "No messages yet.",
  "ticket.heldByOther": "{{name}} is handling this ticket. Only they or a supervisor can answer.",
  "ticket.closedNotice": "This ticket is closed.",
  "ticket.waitingNotice": "Take this ticket to answer the person.",
  "ticket.replyHeading": "Reply to the person",
  "ticket.replyLabel": "Your message (the person will see it)",
  "ticket.noteHeading": "Internal note",
  "ticket.noteLabel": "Note for the team (the person does not see it)",
  "ticket.transferHeading": "Transfer",
  "ticket.transferLabel": "Transfer to",
  "ticket.transferNobody": "There is nobody to transfer to right now.",
  "ticket.closeHeading": "Close",
  "ticket.askFeedback": "Ask the person “Did we help you?”",
  "ticket.closeConfirm": "Close this ticket? The bot will talk to the person again.",

  "from.person": "Person",
  "from.bot": "Bot",
  "from.caseworker": "Team",
  "from.system": "System",
  "from.note": "Internal note — the person does not see it",

  "media.photo": "Photo",
  "media.document": "Document",
  "media.voice": "Voice message",
  "media.open": "Open file",

  "case.heading": "Complaint {{ref}}",

  "dashboard.heading": "Dashboard",
  "dashboard.openWaiting": "Waiting now",
  "dashboard.openHeld": "In progress now",
  "dashboard.waitingTime": "Time waiting for a caseworker",
  "dashboard.firstReplyTime": "Time to first reply",
  "dashboard.median": "Half within {{value}}",
  "dashboard.p90": "9 in 10 within {{value}}",
  "dashboard.basedOn": "{{count}} tickets",
  "dashboard.ticketsByReason": "Tickets by reason",
  "dashboard.complaintsByType": "Complaints by type",
  "dashboard.complaintsByRegion": "Complaints by region",
  "dashboard.byWeek": "Tickets and complaints per week",
  "dashboard.seriesTickets": "Tickets",
  "dashboard.seriesComplaints": "Complaints",
  "dashboard.noData": "No data yet",

  "error.heading": "Something went wrong",
  "error.status": "Error {{status}}",
  "error.back": "Back to the queue",
  "error.wrongLogin": "Wrong name or password.",
  "error.tooManyAttempts": "Too many attempts. Wait a minute and try again.",
  "error.heldByOther": "This ticket is held by someone else.",
  "error.alreadyClosed": "This ticket is already closed.",
  "error.emptyText": "Write something before sending.",
  "error.textTooLong": "The message is too long.",
  "error.csrf": "The page was open too long. Reload it and try again.",
  "error.notFound": "We could not find that page or ticket.",
  "error.forbidden": "You do not have access to this.",
  "error.sendFailed": "The message could not be sent to the person. Try again in a moment.",
  "error.unknownColleague": "Choose someone from the list.",
  "error.generic": "Something went wrong on our side. Try again in a moment.",
} as const;

export type StringKey = keyof typeof en;

const es: Record<StringKey, string> = {
  "app.title": "Consola de atención",
  "app.skip": "Ir al contenido",
  "app.langSwitch": "English",
  "app.langSwitchLabel": "Switch to English",
  "app.signedInAs": "Sesión de {{name}}",
  "app.live": "En vivo",
  "app.offline": "Reconectando…",

  "nav.label": "Menú principal",
  "nav.queue": "Fila",
  "nav.dashboard": "Resumen",
  "nav.logout": "Cerrar sesión",

  "role.caseworker": "Gestión de casos",
  "role.supervisor": "Supervisión",

  "login.heading": "Iniciar sesión",
  "login.intro": "Usa el nombre y la contraseña que te dio tu organización.",
  "login.name": "Nombre",
  "login.password": "Contraseña",
  "login.submit": "Entrar",

  "status.waiting": "En espera",
  "status.held": "En atención",
  "status.closed": "Cerrada",

  "priority.urgent": "Urgente",
  "priority.normal": "Normal",

  "reason.asked": "Pidió hablar con una persona",
  "reason.safety": "Alerta de seguridad",
  "reason.urgent_complaint": "Queja urgente",
  "reason.not_understood": "El bot no entendió",

  "channel.telegram": "Telegram",
  "channel.whatsapp": "WhatsApp",
  "channel.terminal": "Terminal (pruebas)",

  "language.es": "Español",
  "language.en": "Inglés",
  "language.ht": "Criollo haitiano",

  "field.status": "Estado",
  "field.priority": "Prioridad",
  "field.reason": "Motivo",
  "field.channel": "Canal",
  "field.language": "Idioma",
  "field.waiting": "Esperando",
  "field.since": "Desde hace",
  "field.assignee": "La atiende",
  "field.opened": "Abierta",
  "field.firstReply": "Primera respuesta",
  "field.closed": "Cerrada",

  "filter.heading": "Filtrar",
  "filter.any": "Todas",
  "filter.apply": "Aplicar",
  "filter.clear": "Quitar filtros",

  "queue.heading": "Fila de espera",
  "queue.count": "{{count}} conversaciones",
  "queue.empty": "Nadie está esperando. Las conversaciones nuevas aparecen aquí solas.",
  "queue.emptyFiltered": "Ninguna conversación coincide con estos filtros.",
  "queue.longWait": "Espera demasiado larga",
  "queue.unassigned": "Nadie todavía",
  "queue.noPreview": "Sin texto",
  "queue.open": "Abrir conversación {{ref}}",

  "wait.lessThanMinute": "menos de 1 min",
  "wait.minutes": "{{minutes}} min",
  "wait.hours": "{{hours}} h {{minutes}} min",
  "wait.days": "{{days}} d {{hours}} h",

  "action.claim": "Tomar esta conversación",
  "action.reply": "Enviar respuesta",
  "action.note": "Guardar nota",
  "action.transfer": "Transferir",
  "action.close": "Cerrar conversación",

  "ticket.heading": "Conversación {{ref}}",
  "ticket.back": "Volver a la fila",
  "ticket.requested": "La persona pidió hablar con una persona: el bot no contesta hasta que se cierre esta conversación.",
  "ticket.alert": "Alerta de seguridad: {{alert}}",
  "ticket.transcript": "Conversación",
  "ticket.transcriptEmpty": "Todavía no hay mensajes.",
  "ticket.heldByOther": "{{name}} atiende esta conversación. Solo esa persona o supervisión pueden responder.",
  "ticket.closedNotice": "Esta conversación está cerrada.",
  "ticket.waitingNotice": "Toma esta conversación para responder a la persona.",
  "ticket.replyHeading": "Responder a la persona",
  "ticket.replyLabel": "Tu mensaje (la persona lo verá)",
  "ticket.noteHeading": "Nota interna",
  "ticket.noteLabel": "Nota para el equipo (la persona no la ve)",
  "ticket.transferHeading": "Transferir",
  "ticket.transferLabel": "Transferir a",
  "ticket.transferNobody": "Ahora no hay nadie a quien transferir.",
  "ticket.closeHeading": "Cerrar",
  "ticket.askFeedback": "Preguntar a la persona “¿Te ayudamos?”",
  "ticket.closeConfirm": "¿Cerrar esta conversación? El bot volverá a hablar con la persona.",

  "from.person": "Persona",
  "from.bot": "Bot",
  "from.caseworker": "Equipo",
  "from.system": "Sistema",
  "from.note": "Nota interna — la persona no la ve",

  "media.photo": "Foto",
  "media.document": "Documento",
  "media.voice": "Mensaje de voz",
  "media.open": "Abrir archivo",

  "case.heading": "Queja {{ref}}",

  "dashboard.heading": "Resumen",
  "dashboard.openWaiting": "Esperando ahora",
  "dashboard.openHeld": "En atención ahora",
  "dashboard.waitingTime": "Tiempo de espera hasta que alguien la toma",
  "dashboard.firstReplyTime": "Tiempo hasta la primera respuesta",
  "dashboard.median": "La mitad en menos de {{value}}",
  "dashboard.p90": "9 de cada 10 en menos de {{value}}",
  "dashboard.basedOn": "{{count}} conversaciones",
  "dashboard.ticketsByReason": "Conversaciones por motivo",
  "dashboard.complaintsByType": "Quejas por tipo",
  "dashboard.complaintsByRegion": "Quejas por región",
  "dashboard.byWeek": "Conversaciones y quejas por semana",
  "dashboard.seriesTickets": "Conversaciones",
  "dashboard.seriesComplaints": "Quejas",
  "dashboard.noData": "Todavía no hay datos",

  "error.heading": "Algo salió mal",
  "error.status": "Error {{status}}",
  "error.back": "Volver a la fila",
  "error.wrongLogin": "Nombre o contraseña incorrectos.",
  "error.tooManyAttempts": "Demasiados intentos. Espera un minuto y vuelve a intentarlo.",
  "error.heldByOther": "Otra persona atiende esta conversación.",
  "error.alreadyClosed": "Esta conversación ya está cerrada.",
  "error.emptyText": "Escribe algo antes de enviar.",
  "error.textTooLong": "El mensaje es demasiado largo.",
  "error.csrf": "La página estuvo abierta mucho tiempo. Recárgala y vuelve a intentarlo.",
  "error.notFound": "No encontramos esa página o conversación.",
  "error.forbidden": "No tienes acceso a esto.",
  "error.sendFailed": "No se pudo enviar el mensaje a la persona. Vuelve a intentarlo en un momento.",
  "error.unknownColleague": "Elige a alguien de la lista.",
  "error.generic": "Algo falló de nuestro lado. Vuelve a intentarlo en un momento.",
};

export const strings: Record<ConsoleLang, Record<StringKey, string>> = { es, en };

export function isStringKey(key: string): key is StringKey {
  return Object.hasOwn(en, key);
}

/** The text for `key` in `lang`, with `{{name}}` placeholders filled. Plain text: escape it before putting it in HTML. */
export function t(lang: ConsoleLang, key: StringKey, params?: Record<string, string | number>): string {
  const template = strings[lang][key];
  if (!params) return template;
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}
