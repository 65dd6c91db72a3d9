// The citation block of an entry page: fill in the reader's access date (and the
// page's address when the build did not know the site's), and offer copy buttons.
// Without this script the citations still show, with blanks to fill by hand.
(() => {
  const pad = (n) => String(n).padStart(2, "0");
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"];
  const today = new Date(); // the reader's own clock and time zone
  const [y, m, d] = [today.getFullYear(), today.getMonth() + 1, today.getDate()];
  const formats = {
    vi: `${pad(d)}/${pad(m)}/${y}`,
    en: `${MONTHS[m - 1]} ${d}, ${y}`,
    iso: `${y}-${pad(m)}-${pad(d)}`,
  };
  for (const blank of document.querySelectorAll("[data-dvk-today]")) {
    blank.textContent = formats[blank.dataset.dvkToday] ?? formats.iso;
    blank.classList.remove("dvk-blank");
  }
  const here = new URL(location.href);
  here.search = "";
  here.hash = "";
  here.pathname = here.pathname.replace(/index\.html$/, "");
  for (const blank of document.querySelectorAll("[data-dvk-url]")) {
    blank.textContent = here.href;
    blank.classList.remove("dvk-blank");
  }

  const copy = async (text) => {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return;
    }
    // Plain http: the Clipboard API is not offered, the older command still is.
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.append(area);
    area.select();
    const copied = document.execCommand("copy");
    area.remove();
    if (!copied) throw new Error("copy refused");
  };
  for (const button of document.querySelectorAll("[data-dvk-copy]")) {
    const label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", async () => {
      const source = document.getElementById(button.dataset.dvkCopy);
      try {
        await copy(source.textContent.trim());
        button.textContent = "Đã sao chép";
      } catch {
        button.textContent = "Không sao chép được: hãy chọn và sao chép tay";
      }
      setTimeout(() => { button.textContent = label; }, 2500);
    });
  }
})();
