// The sandbox web chat. Vanilla JS, no build step. Everything shown is set with textContent or
// built from message entities, so no text from the bot or a person is ever parsed as HTML.
"use strict";

const STRINGS = {
  zh: {
    title: "楼院管家 · 沙盒", iam: "我是", block: "屏蔽机器人", newPerson: "新建人员",
    newGroup: "新建群组", addBot: "添加机器人", typing: "正在输入…", send: "发送",
    firstName: "名字", lastName: "姓（可选）", language: "语言", cancel: "取消", create: "创建",
    groupTitle: "群名称", members: "成员", placeholder: "输入消息或 /命令",
    botChat: "与机器人私聊", botNotIn: "机器人未加入", deleted: "此消息已删除",
    edited: "已编辑", joined: "加入了群组", pinned: "置顶", noPeople: "请先新建人员",
    pickChat: "选择一个聊天", noPerson: "（无人）", error: "出错了",
    addedBot: "已添加机器人", voice: "语音", file: "文件", members_n: "位成员",
    links: "邀请链接（点击即以当前人员打开）",
    photo: "照片", stickers: "贴纸", attach: "附件", keyboard: "显示或收起键盘",
  },
  en: {
    title: "Courtyard · Sandbox", iam: "I am", block: "Block bot", newPerson: "New person",
    newGroup: "New group", addBot: "Add bot", typing: "typing…", send: "Send",
    firstName: "First name", lastName: "Last name (optional)", language: "Language",
    cancel: "Cancel", create: "Create", groupTitle: "Group title", members: "Members",
    placeholder: "Message or /command", botChat: "Private chat with the bot",
    botNotIn: "bot not added", deleted: "This message was deleted", edited: "edited",
    joined: "joined the group", pinned: "Pinned", noPeople: "Create a person first",
    pickChat: "Pick a chat", noPerson: "(nobody)", error: "Error", addedBot: "Bot added",
    voice: "Voice", file: "File", members_n: "members",
    links: "Invite links (opens as the current person)",
    photo: "Photo", stickers: "Stickers", attach: "Attach", keyboard: "Show or hide the keyboard",
  },
};

const $ = (id) => document.getElementById(id);
const state = {
  lang: localStorage.getItem("sandbox.lang") || "zh",
  viewer: Number(localStorage.getItem("sandbox.viewer")) || 0,
  chatId: Number(localStorage.getItem("sandbox.chat")) || 0,
  world: { people: [], groups: [], commands: [], bot: { username: "" } },
  chat: null,
  version: -1,
  stick: true, // follow the newest message (false once the person scrolls up to read)
  lastSeen: "", // chat id and newest message id last shown
  keyboardKey: "", // the reply keyboard last shown; a new one is shown even if one was hidden
  keyboardHidden: false,
};

function t(key) {
  return (STRINGS[state.lang] || STRINGS.zh)[key] || STRINGS.zh[key] || key;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

async function api(path, options = {}) {
  const init = { method: options.method || "GET", headers: {} };
  if (options.json !== undefined) {
    init.method = options.method || "POST";
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(options.json);
  } else if (options.form) {
    init.method = "POST";
    init.body = options.form;
  }
  const response = await fetch(path, init);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

function toast(text, alertStyle) {
  if (alertStyle) { window.alert(text); return; }
  const box = $("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 2500);
}

// ---- rendering Telegram text + entities (offsets are UTF-16 units, like JS strings) ----
function entityElement(entity) {
  switch (entity.type) {
    case "bold": return el("b");
    case "italic": return el("i");
    case "underline": return el("u");
    case "strikethrough": return el("s");
    case "code": return el("code");
    case "pre": return el("pre");
    case "blockquote": case "expandable_blockquote": return el("blockquote");
    case "spoiler": {
      const span = el("span", { class: "spoiler" });
      span.addEventListener("click", () => span.classList.add("shown"));
      return span;
    }
    case "text_link": {
      const url = String(entity.url || "");
      if (/^(https?:|tg:|mailto:)/i.test(url)) {
        return el("a", { href: url, target: "_blank", rel: "noopener noreferrer",
          onclick: (event) => {
            if (deepLinkPayload(url) === null) return;
            event.preventDefault();
            followLink(url);
          } });
      }
      return el("span");
    }
    default: return el("span");
  }
}

function buildText(parent, text, entities, start, end) {
  let pos = start;
  let i = 0;
  while (i < entities.length) {
    const entity = entities[i];
    if (entity.offset < pos) { i += 1; continue; } // overlapping: ignore, keep the text
    if (entity.offset >= end) break;
    if (entity.offset > pos) parent.append(text.slice(pos, entity.offset));
    const stop = Math.min(entity.offset + entity.length, end);
    const inner = [];
    let j = i + 1;
    while (j < entities.length && entities[j].offset < stop) {
      if (entities[j].offset + entities[j].length <= stop) inner.push(entities[j]);
      j += 1;
    }
    const node = entityElement(entity);
    buildText(node, text, inner, entity.offset, stop);
    parent.append(node);
    pos = stop;
    i = j;
  }
  if (pos < end) parent.append(text.slice(pos, end));
}

function renderText(text, entities) {
  const box = el("div", { class: "text" });
  const sorted = (entities || [])
    .filter((e) => e && e.length > 0 && Number.isInteger(e.offset))
    .sort((a, b) => a.offset - b.offset || b.length - a.length);
  buildText(box, String(text), sorted, 0, String(text).length);
  return box;
}

function clock(seconds) {
  const date = new Date(seconds * 1000);
  return date.toLocaleTimeString(state.lang === "zh" ? "zh-CN" : "en-GB",
    { hour: "2-digit", minute: "2-digit" });
}

function renderMessage(message) {
  if (message.service) {
    return el("div", { class: "service", "data-testid": "service-message",
      text: `${message.from_name} → ${message.service.joined.join(", ")} ${t("joined")}` });
  }
  const bubble = el("div", { class: "bubble", "data-testid": "message",
    "data-from": message.from_kind, "data-message-id": message.message_id });
  if (message.deleted) {
    bubble.classList.add("deleted");
    bubble.append(el("div", { class: "text", text: t("deleted") }));
    return bubble;
  }
  const isGroup = state.chat && state.chat.chat.type !== "private";
  if (isGroup && message.from_kind !== "me") {
    bubble.append(el("div", { class: "name", text: message.from_name }));
  }
  if (message.reply_to) bubble.append(el("div", { class: "quote", text: message.reply_to }));
  if (message.photo_url) {
    // width and height reserve the space before the picture loads, so the scroll stays put
    const [width, height] = message.photo_size || [];
    const img = el("img", { src: message.photo_url, alt: "photo", width: width || undefined,
      height: height || undefined });
    img.addEventListener("load", () => { if (state.stick) scrollToBottom(); });
    bubble.append(img);
  }
  if (message.sticker) {
    bubble.classList.add("sticker-only");
    bubble.append(el("div", { class: "sticker", "data-testid": "sticker", text: message.sticker.emoji }));
  }
  if (message.voice_url) {
    bubble.append(el("audio", { src: message.voice_url, controls: true, preload: "none",
      "aria-label": t("voice") }));
  }
  if (message.document) {
    bubble.append(el("a", { href: message.document.url, download: message.document.name,
      "data-testid": "document", text: `📄 ${message.document.name}` }));
  }
  if (message.text !== undefined) bubble.append(renderText(message.text, message.entities));
  if (message.caption) bubble.append(renderText(message.caption, message.caption_entities));
  const meta = (message.edited ? `${t("edited")} · ` : "") + clock(message.date);
  bubble.append(el("div", { class: "meta", text: meta }));
  if (message.inline_keyboard && message.inline_keyboard.length) {
    const keyboard = el("div", { class: "inline-keyboard" });
    for (const row of message.inline_keyboard) {
      const line = el("div", { class: "row" });
      for (const button of row) {
        line.append(el("button", {
          type: "button", "data-testid": "inline-button", text: button.text,
          onclick: () => tapInline(message.message_id, button),
        }));
      }
      keyboard.append(line);
    }
    bubble.append(keyboard);
  }
  return bubble;
}

// ---- screens ----
function viewerPerson() {
  return state.world.people.find((p) => p.id === state.viewer) || null;
}

function chatsOfViewer() {
  if (!viewerPerson()) return [];
  const chats = [{ id: state.viewer, title: `🤖 @${state.world.bot.username}`, sub: t("botChat") }];
  for (const group of state.world.groups) {
    if (!group.member_ids.includes(state.viewer)) continue;
    chats.push({ id: group.id, title: `👥 ${group.title}`,
      sub: `${group.member_ids.length} ${t("members_n")}` + (group.bot_member ? "" : ` · ${t("botNotIn")}`) });
  }
  return chats;
}

function renderWorld() {
  const select = $("person-select");
  select.replaceChildren();
  if (!state.world.people.length) select.append(el("option", { value: "", text: t("noPerson") }));
  for (const person of state.world.people) {
    select.append(el("option", { value: person.id, text: person.name,
      selected: person.id === state.viewer }));
  }
  const person = viewerPerson();
  $("block-toggle").checked = Boolean(person && person.blocked);
  $("block-toggle").disabled = !person;
  const list = $("chat-list");
  list.replaceChildren();
  const chats = chatsOfViewer();
  if (!chats.length) list.append(el("li", { class: "empty", text: t("noPeople") }));
  for (const chat of chats) {
    list.append(el("li", {
      "data-testid": "chat-item", "data-chat-id": chat.id,
      class: chat.id === state.chatId ? "active" : "",
      onclick: () => openChat(chat.id),
    }, chat.title, el("span", { class: "sub", text: chat.sub })));
  }
  const links = state.world.links || [];
  $("links").hidden = !links.length;
  $("link-list").replaceChildren(...links.map((link) => el("li", {},
    el("a", { href: link.url, "data-testid": "invite-link",
      onclick: (event) => { event.preventDefault(); followLink(link.url); } }, link.title))));
  $("sticker-panel").replaceChildren(...(state.world.stickers || []).map((sticker) =>
    el("button", { type: "button", "data-testid": "sticker-button", title: sticker.name,
      text: sticker.emoji, onclick: () => { closePanels(); sendSticker(sticker.name); } })));
  const commands = $("commands");
  commands.replaceChildren();
  for (const command of state.world.commands || []) {
    commands.append(el("button", { type: "button", "data-testid": "command-item",
      onclick: () => { closePanels(); sendText(`/${command.command}`); } },
      `/${command.command}`, el("span", { text: command.description })));
  }
}

function scrollToBottom() {
  const box = $("messages");
  box.scrollTop = box.scrollHeight;
}

function renderChat() {
  const view = state.chat;
  const box = $("messages");
  const kept = box.scrollTop;
  box.replaceChildren();
  $("reply-keyboard").replaceChildren();
  $("reply-keyboard").hidden = true;
  $("keyboard-toggle").hidden = true;
  $("pinned").hidden = true;
  $("typing").hidden = true;
  $("add-bot").hidden = true;
  if (!view) {
    $("chat-title").textContent = t("pickChat");
    return;
  }
  const info = view.chat;
  $("chat-title").textContent = info.type === "private" ? `@${state.world.bot.username}` : info.title;
  $("add-bot").hidden = info.type === "private" || info.bot_member;
  for (const message of view.messages) box.append(renderMessage(message));
  const newest = view.messages.length ? view.messages[view.messages.length - 1].message_id : 0;
  const seen = `${info.id}:${newest}`;
  if (seen !== state.lastSeen || state.justOpened) state.stick = true; // a new message: show it
  state.lastSeen = seen;
  if (view.pinned) {
    const pinned = $("pinned");
    pinned.hidden = false;
    pinned.textContent = `📌 ${t("pinned")}: ${view.pinned.text || view.pinned.caption || "…"}`;
    pinned.onclick = () => {
      const target = box.querySelector(`[data-message-id="${view.pinned.message_id}"]`);
      if (target) target.scrollIntoView({ behavior: "smooth", block: "center" });
    };
  }
  if (view.action && Date.now() / 1000 - view.action[1] < 5) $("typing").hidden = false;
  const keyboard = view.reply_keyboard;
  if (keyboard && keyboard.keyboard) {
    const area = $("reply-keyboard");
    const key = JSON.stringify(keyboard.keyboard);
    if (key !== state.keyboardKey) { state.keyboardKey = key; state.keyboardHidden = false; }
    area.hidden = state.keyboardHidden;
    const toggle = $("keyboard-toggle");
    toggle.hidden = false;
    toggle.classList.toggle("on", !state.keyboardHidden);
    toggle.setAttribute("aria-expanded", String(!state.keyboardHidden));
    for (const row of keyboard.keyboard) {
      const line = el("div", { class: "row" });
      for (const button of row) {
        line.append(el("button", { type: "button", "data-testid": "reply-button", text: button.text,
          onclick: () => sendText(button.text) }));
      }
      area.append(line);
    }
  }
  $("composer-input").placeholder = (keyboard && keyboard.input_field_placeholder) || t("placeholder");
  box.scrollTop = state.stick ? box.scrollHeight : kept;
  state.justOpened = false;
}

function applyLanguage() {
  document.documentElement.lang = state.lang === "zh" ? "zh-Hans" : "en";
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-i18n-title]")) node.title = t(node.dataset.i18nTitle);
  $("lang-toggle").textContent = state.lang === "zh" ? "EN" : "中文";
  document.title = `${t("title")} Sandbox`;
  renderWorld();
  renderChat();
}

// ---- data ----
async function refresh() {
  const world = await api("/sandbox/api/state");
  state.world = world;
  if (!viewerPerson() && world.people.length) setViewer(world.people[0].id, false);
  const visible = chatsOfViewer().some((c) => c.id === state.chatId);
  if (!visible) state.chatId = viewerPerson() ? state.viewer : 0;
  renderWorld();
  state.chat = state.chatId ? await api(`/sandbox/api/chats/${state.chatId}?viewer=${state.viewer}`) : null;
  renderChat();
  return world.version;
}

async function watch() {
  for (;;) {
    try {
      const { version } = await api(`/sandbox/api/wait?version=${state.version}&timeout=25`);
      if (version !== state.version) {
        state.version = version;
        await refresh();
      }
    } catch (error) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

function setViewer(id, reload = true) {
  state.viewer = id;
  state.chatId = id;
  localStorage.setItem("sandbox.viewer", String(id));
  localStorage.setItem("sandbox.chat", String(id));
  if (document.body.classList.contains("show-chat")) history.replaceState({ chatId: id }, "");
  if (reload) { state.justOpened = true; refresh().catch(showError); }
}

// Each chat view is a history entry: the browser's Back returns to the chat list, in the page.
function openChat(id, push = true) {
  state.chatId = id;
  state.justOpened = true;
  localStorage.setItem("sandbox.chat", String(id));
  document.body.classList.add("show-chat");
  const current = history.state && history.state.chatId;
  if (push && current !== id) history.pushState({ chatId: id }, "", `#chat=${id}`);
  refresh().catch(showError);
}

function showChatList() {
  closePanels();
  document.body.classList.remove("show-chat");
}

function closePanels() {
  for (const id of ["commands", "attach-menu", "sticker-panel"]) $(id).hidden = true;
  for (const id of ["menu-button", "attach-toggle", "sticker-toggle"]) $(id).classList.remove("on");
}

function togglePanel(panelId, buttonId) {
  const panel = $(panelId);
  const open = panel.hidden && panel.children.length > 0;
  closePanels();
  panel.hidden = !open;
  $(buttonId).classList.toggle("on", open);
}

function showError(error) { toast(`${t("error")}: ${error.message || error}`); }

// ---- actions ----
async function sendText(text) {
  if (!text.trim() || !state.chatId) return;
  await api(`/sandbox/api/chats/${state.chatId}/send`, { json: { user_id: state.viewer, text } })
    .catch(showError);
}

// A t.me deep link to our bot opens the private chat and sends /start <payload>, as Telegram does.
function deepLinkPayload(url) {
  const match = /^https?:\/\/t\.me\/([A-Za-z0-9_]{3,64})\?start=([A-Za-z0-9_-]{1,64})$/.exec(url);
  const bot = state.world && state.world.bot && state.world.bot.username;
  if (!match || !bot || match[1].toLowerCase() !== bot.toLowerCase()) return null;
  return match[2];
}

async function followLink(url) {
  const payload = deepLinkPayload(url);
  if (payload === null) { window.open(url, "_blank", "noopener"); return; }
  if (!state.viewer) { toast(t("noPeople")); return; }
  openChat(state.viewer);
  await sendText(`/start ${payload}`);
}

async function tapInline(messageId, button) {
  if (button.url) { await followLink(button.url); return; }
  if (!button.callback_data) return;
  try {
    const result = await api(`/sandbox/api/chats/${state.chatId}/tap`, {
      json: { user_id: state.viewer, message_id: messageId, data: button.callback_data } });
    if (result.answer && result.answer.text) toast(result.answer.text, result.answer.show_alert);
  } catch (error) { showError(error); }
}

// kind: "photo" (the server sends a non-picture as a document), "document" or "voice"
async function sendFile(input, kind) {
  const file = input.files && input.files[0];
  input.value = "";
  closePanels();
  if (!file || !state.chatId) return;
  const form = new FormData();
  form.append("user_id", String(state.viewer));
  form.append("file", file, file.name);
  const caption = $("composer-input").value.trim();
  if (kind !== "voice" && caption) { form.append("caption", caption); $("composer-input").value = ""; }
  state.stick = true;
  await api(`/sandbox/api/chats/${state.chatId}/${kind}`, { form }).catch(showError);
}

async function sendSticker(name) {
  if (!state.chatId) return;
  state.stick = true;
  await api(`/sandbox/api/chats/${state.chatId}/sticker`, {
    json: { user_id: state.viewer, sticker: name } }).catch(showError);
}

function wire() {
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("composer-input");
    const text = input.value;
    input.value = "";
    sendText(text);
  });
  $("person-select").addEventListener("change", (event) => setViewer(Number(event.target.value)));
  $("lang-toggle").addEventListener("click", () => {
    state.lang = state.lang === "zh" ? "en" : "zh";
    localStorage.setItem("sandbox.lang", state.lang);
    applyLanguage();
  });
  $("block-toggle").addEventListener("change", (event) => {
    if (!state.viewer) return;
    api(`/sandbox/api/people/${state.viewer}/block`, { json: { blocked: event.target.checked } })
      .catch(showError);
  });
  $("back").addEventListener("click", () => {
    if (history.state && history.state.chatId) history.back(); // popstate shows the list
    else showChatList();
  });
  window.addEventListener("popstate", (event) => {
    const chatId = event.state && event.state.chatId;
    if (chatId) openChat(chatId, false);
    else showChatList();
  });
  $("messages").addEventListener("scroll", () => {
    const box = $("messages");
    state.stick = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  });
  // the keyboard or a panel opening changes the height: keep the newest message in view
  new ResizeObserver(() => { if (state.stick) scrollToBottom(); }).observe($("messages"));
  $("menu-button").addEventListener("click", () => togglePanel("commands", "menu-button"));
  $("attach-toggle").addEventListener("click", () => togglePanel("attach-menu", "attach-toggle"));
  $("sticker-toggle").addEventListener("click", () => togglePanel("sticker-panel", "sticker-toggle"));
  $("keyboard-toggle").addEventListener("click", () => {
    state.keyboardHidden = !state.keyboardHidden;
    renderChat();
  });
  $("photo-input").addEventListener("change", (event) => sendFile(event.target, "photo"));
  $("document-input").addEventListener("change", (event) => sendFile(event.target, "document"));
  $("voice-input").addEventListener("change", (event) => sendFile(event.target, "voice"));
  $("add-bot").addEventListener("click", () => {
    api(`/sandbox/api/groups/${state.chatId}/bot`, { json: { user_id: state.viewer } })
      .then(() => toast(t("addedBot"))).catch(showError);
  });
  $("new-person").addEventListener("click", () => { $("person-form").reset(); $("person-dialog").showModal(); });
  $("person-dialog").addEventListener("close", async () => {
    if ($("person-dialog").returnValue !== "ok") return;
    const data = Object.fromEntries(new FormData($("person-form")));
    try {
      const created = await api("/sandbox/api/people", { json: data });
      setViewer(created.id);
    } catch (error) { showError(error); }
  });
  $("new-group").addEventListener("click", () => {
    const box = $("group-members");
    box.querySelectorAll("label").forEach((node) => node.remove());
    for (const person of state.world.people) {
      box.append(el("label", {}, el("input", { type: "checkbox", name: "member", value: person.id,
        checked: person.id === state.viewer }), person.name));
    }
    $("group-form").querySelector("[name=title]").value = "";
    $("group-dialog").showModal();
  });
  $("group-dialog").addEventListener("close", async () => {
    if ($("group-dialog").returnValue !== "ok") return;
    const form = $("group-form");
    const title = form.querySelector("[name=title]").value;
    const ids = [...form.querySelectorAll("[name=member]:checked")].map((node) => Number(node.value));
    if (state.viewer && ids.includes(state.viewer)) ids.sort((a, b) => (a === state.viewer ? -1 : b === state.viewer ? 1 : 0));
    try {
      const created = await api("/sandbox/api/groups", { json: { title, member_ids: ids } });
      openChat(created.id);
    } catch (error) { showError(error); }
  });
}

wire();
history.replaceState({}, "", location.pathname + location.search);
applyLanguage();
refresh().then((version) => { state.version = version; }).catch(showError).finally(watch);
