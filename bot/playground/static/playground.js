// The playground page: what a person does is posted as JSON; what the bot sends arrives as
// server-sent events with the bubble already rendered on the server.
"use strict";

const post = async (path, body, type = "application/json") => {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": type },
    body: type === "application/json" ? JSON.stringify(body) : body,
  });
  if (!response.ok) {
    const answer = await response.json().catch(() => ({ error: response.statusText }));
    alert(answer.error || "The playground could not do that.");
  }
  return response;
};

const phoneOf = (element) => element.closest(".phone");
const personOf = (element) => Number(phoneOf(element).dataset.person);

function scrollDown(messages) {
  messages.scrollTop = messages.scrollHeight;
}

function showMessage(data) {
  const messages = document.getElementById(`messages-${data.chat}`);
  if (!messages) return;
  const existing = document.getElementById(`m-${data.chat}-${data.id}`);
  const holder = document.createElement("div");
  holder.innerHTML = data.html;
  const bubble = holder.firstElementChild;
  if (existing) existing.replaceWith(bubble);
  else messages.appendChild(bubble);
  const phone = messages.closest(".phone");
  phone.querySelector(".start").hidden = true;
  if (data.language) document.getElementById(`language-${data.chat}`).innerHTML = data.language;
  scrollDown(messages);
}

function showToast(data) {
  const toast = document.getElementById(`toast-${data.chat}`);
  if (!toast) return;
  if (data.alert) {
    alert(data.text);
    return;
  }
  toast.textContent = data.text;
  toast.dir = "auto";
  toast.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (toast.hidden = true), 4000);
}

function addPhone(data) {
  if (document.getElementById(`phone-${data.chat}`)) return;
  const holder = document.createElement("div");
  holder.innerHTML = data.html;
  document.getElementById("phones").appendChild(holder.firstElementChild);
  const tab = document.createElement("div");
  tab.innerHTML = data.tab;
  document.getElementById("people").appendChild(tab.firstElementChild);
}

function connect() {
  const events = new EventSource("/events");
  events.addEventListener("message", (e) => showMessage(JSON.parse(e.data)));
  events.addEventListener("toast", (e) => showToast(JSON.parse(e.data)));
  events.addEventListener("person", (e) => addPhone(JSON.parse(e.data)));
  events.addEventListener("deleted", (e) => {
    const data = JSON.parse(e.data);
    document.getElementById(`m-${data.chat}-${data.id}`)?.remove();
  });
  events.addEventListener("menu", (e) => {
    const menus = JSON.parse(e.data).menus;
    for (const [chat, html] of Object.entries(menus)) {
      const menu = document.getElementById(`menu-${chat}`);
      if (menu) menu.innerHTML = html;
    }
  });
  events.addEventListener("clock", (e) => {
    document.getElementById("clock").textContent = JSON.parse(e.data).now;
  });
  events.addEventListener("reset", () => window.location.reload());
  events.addEventListener("open", () => document.body.classList.add("connected"));
}

document.addEventListener("click", async (event) => {
  const target = event.target.closest("button");
  if (!target || target.disabled) return;
  if (target.matches(".inline[data-data]")) {
    const bubble = target.closest(".bubble");
    await post("/api/tap", {
      person: personOf(target),
      message: Number(bubble.dataset.messageId),
      data: target.dataset.data,
    });
  } else if (target.matches(".start")) {
    target.hidden = true;
    await post("/api/say", { person: personOf(target), text: "/start playground-demo" });
  } else if (target.matches(".menu-button")) {
    const menu = phoneOf(target).querySelector(".menu");
    menu.hidden = !menu.hidden;
  } else if (target.matches(".command")) {
    const phone = phoneOf(target);
    phone.querySelector(".menu").hidden = true;
    await post("/api/say", { person: personOf(target), text: target.dataset.command });
  } else if (target.matches(".voice-button")) {
    const seconds = Number(prompt("How many seconds does the voice note last? (1–60)", "5"));
    if (Number.isInteger(seconds) && seconds > 0) {
      await post("/api/voice", { person: personOf(target), seconds });
    }
  } else if (target.matches(".location-button")) {
    await post("/api/location", { person: personOf(target) });
  } else if (target.dataset.forward) {
    await post("/api/forward", { hours: Number(target.dataset.forward) });
  } else if (target.id === "reset") {
    if (confirm("Start again from the beginning? Every chat is cleared.")) {
      await post("/api/reset", {});
    }
  }
});

document.addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  if (form.id === "add-person") {
    const answer = await post("/api/people", {
      name: form.elements.name.value,
      language: form.elements.language.value,
    });
    if (answer.ok) form.reset();
    return;
  }
  if (form.matches(".compose")) {
    const input = form.elements.text;
    const text = input.value;
    if (!text.trim()) return;
    input.value = "";
    await post("/api/say", { person: personOf(form), text });
  }
});

document.addEventListener("change", async (event) => {
  const input = event.target;
  if (!input.matches(".photo-button input[type=file]") || !input.files.length) return;
  const file = input.files[0];
  await post(`/api/photo?person=${personOf(input)}`, file, file.type || "image/png");
  input.value = "";
});

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".messages").forEach(scrollDown);
  connect();
});
